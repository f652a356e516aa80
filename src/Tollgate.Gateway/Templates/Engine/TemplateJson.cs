using System.Text;
using System.Text.Json;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// JSON as template values, by reference: an object becomes a <see cref="TemplateMap"/> and an
/// array a <see cref="TemplateList"/> that point into the parsed document and make their entries
/// one level at a time, when a template first reads them. Reading <c>$input.path('$').items</c>
/// of a large body so costs the entries read, not a copy of the document, and a value rendered
/// before anything read it is written straight from the document. Objects become ordered maps,
/// integral numbers integers and other numbers doubles (json-smart's types).
/// </summary>
internal static class TemplateJson
{
    /// <summary>
    /// The value of <paramref name="element"/>; what it copies (a string) is charged to
    /// <paramref name="budget"/>. The value itself is charged by whoever holds it (a level of
    /// a collection, a list of JSONPath matches).
    /// </summary>
    public static TemplateValue ToTemplateValue(JsonElement element, RenderBudget budget)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var text = element.GetString()!;
                budget.ChargeText(text.Length);
                return TemplateValue.From(text);
            case JsonValueKind.Number:
                return element.TryGetInt64(out var integer) ? TemplateValue.From(integer) : TemplateValue.From(element.GetDouble());
            case JsonValueKind.True:
                return TemplateValue.True;
            case JsonValueKind.False:
                return TemplateValue.False;
            case JsonValueKind.Object:
                return TemplateValue.From(new TemplateMap(element, budget));
            case JsonValueKind.Array:
                return TemplateValue.From(new TemplateList(element, budget));
            default:
                return TemplateValue.Null;
        }
    }

    /// <summary>The items of a JSON array, one level deep.</summary>
    public static List<TemplateValue> Items(JsonElement array, RenderBudget budget)
    {
        var length = array.GetArrayLength();
        budget.Charge((long)length * RenderBudget.NodeBytes);
        var items = new List<TemplateValue>(length);
        foreach (var item in array.EnumerateArray())
        {
            items.Add(ToTemplateValue(item, budget));
        }
        return items;
    }

    /// <summary>The entries of a JSON object, one level deep; a repeated name keeps its last value.</summary>
    public static OrderedDictionary<string, TemplateValue> Entries(JsonElement json, RenderBudget budget)
    {
        var entries = new OrderedDictionary<string, TemplateValue>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            budget.Charge(RenderBudget.NodeBytes + ((long)name.Length * sizeof(char)));
            entries[name] = ToTemplateValue(property.Value, budget);
        }
        return entries;
    }

    /// <summary>Compact JSON of the value <see cref="ToTemplateValue"/> makes of <paramref name="element"/> (json-smart's <c>toJSONString</c>).</summary>
    public static void WriteJson(StringBuilder output, JsonElement element)
    {
        CheckLength(output);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!first)
                    {
                        output.Append(',');
                    }
                    first = false;
                    ValueFormatter.WriteJsonString(output, property.Name);
                    output.Append(':');
                    WriteJson(output, property.Value);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                WriteArray(output, element);
                break;
            case JsonValueKind.String:
                ValueFormatter.WriteJsonString(output, element.GetString()!);
                break;
            default:
                WriteScalar(output, element);
                break;
        }
    }

    /// <summary>
    /// What the value <see cref="ToTemplateValue"/> makes of <paramref name="element"/> renders as:
    /// Java's <c>{k=v, k2=v2}</c> for an object, compact JSON for an array, the text of a string.
    /// </summary>
    public static void WriteJava(StringBuilder output, JsonElement element)
    {
        CheckLength(output);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!first)
                    {
                        output.Append(", ");
                    }
                    first = false;
                    output.Append(property.Name).Append('=');
                    WriteJava(output, property.Value);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                WriteArray(output, element);
                break;
            case JsonValueKind.String:
                output.Append(element.GetString());
                break;
            default:
                WriteScalar(output, element);
                break;
        }
    }

    private static void WriteArray(StringBuilder output, JsonElement array)
    {
        output.Append('[');
        var first = true;
        foreach (var item in array.EnumerateArray())
        {
            if (!first)
            {
                output.Append(',');
            }
            first = false;
            WriteJson(output, item);
        }
        output.Append(']');
    }

    private static void WriteScalar(StringBuilder output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                output.Append(integer);
                break;
            case JsonValueKind.Number:
                ValueFormatter.WriteDouble(output, element.GetDouble());
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            default:
                output.Append("null");
                break;
        }
    }

    /// <summary>No builder of a render grows past <see cref="TemplateRenderer.MaxStringLength"/>, even within one value.</summary>
    private static void CheckLength(StringBuilder output)
    {
        if (output.Length > TemplateRenderer.MaxStringLength)
        {
            throw new TemplateRuntimeException($"The template output is longer than {TemplateRenderer.MaxStringLength} characters.");
        }
    }
}
