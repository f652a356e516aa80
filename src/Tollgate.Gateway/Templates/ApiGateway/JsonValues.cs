using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates.ApiGateway;

/// <summary>Converts JSON to template values and writes compact JSON text.</summary>
internal static class JsonValues
{
    /// <summary>
    /// JSON as template objects: objects become ordered maps, arrays become lists that render as
    /// JSON, integral numbers become integers and other numbers doubles (json-smart's types).
    /// </summary>
    public static TemplateValue ToTemplateValue(JsonElement element, int depth = 0)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TemplateValue.From(element.GetString());
            case JsonValueKind.Number:
                return element.TryGetInt64(out var integer) ? TemplateValue.From(integer) : TemplateValue.From(element.GetDouble());
            case JsonValueKind.True:
                return TemplateValue.True;
            case JsonValueKind.False:
                return TemplateValue.False;
            case JsonValueKind.Object:
                var map = new TemplateMap();
                foreach (var property in element.EnumerateObject())
                {
                    map.Put(property.Name, ToTemplateValue(property.Value, depth + 1));
                }
                return TemplateValue.From(map);
            case JsonValueKind.Array:
                var list = new TemplateList(fromJson: true, capacity: element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(ToTemplateValue(item, depth + 1));
                }
                return TemplateValue.From(list);
            default:
                return TemplateValue.Null;
        }
    }

    /// <summary>Parses JSON text; false when it is not JSON.</summary>
    public static bool TryParse(string text, out JsonElement element)
    {
        // The parsed element owns a copy of its bytes, so the UTF-8 buffer can go back to the pool.
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), new JsonReaderOptions { MaxDepth = 256 });
            if (JsonElement.TryParseValue(ref reader, out var parsed) && parsed is { } value && !reader.Read())
            {
                element = value;
                return true;
            }
        }
        catch (JsonException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        element = default;
        return false;
    }

    /// <summary>Compact JSON of an element; numbers keep their source text.</summary>
    public static void WriteCompact(StringBuilder output, JsonElement element)
    {
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
                    WriteCompact(output, property.Value);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        output.Append(',');
                    }
                    firstItem = false;
                    WriteCompact(output, item);
                }
                output.Append(']');
                break;
            case JsonValueKind.String:
                ValueFormatter.WriteJsonString(output, element.GetString()!);
                break;
            case JsonValueKind.Number:
                output.Append(element.GetRawText());
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

    public static string ToCompactString(JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)
        {
            return element.ValueKind == JsonValueKind.Number
                ? element.GetRawText()
                : element.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture);
        }
        var sb = new StringBuilder();
        WriteCompact(sb, element);
        return sb.ToString();
    }
}
