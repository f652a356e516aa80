using System.Globalization;
using System.Text;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// Renders values as API Gateway's Java Velocity does: <c>String.valueOf</c> for scalars, Java's
/// <c>Double.toString</c> for doubles, <c>{k=v, k2=v2}</c> for maps, <c>[a, b]</c> for lists built
/// in a template and compact JSON for lists that came from JSON.
/// </summary>
internal static class ValueFormatter
{
    public static string Format(TemplateValue value)
    {
        if (value.Kind == TemplateValueKind.String)
        {
            return value.AsString;
        }
        if (value.Kind == TemplateValueKind.Integer)
        {
            return value.AsInteger.ToString(CultureInfo.InvariantCulture);
        }
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    public static void Write(StringBuilder output, TemplateValue value)
    {
        switch (value.Kind)
        {
            case TemplateValueKind.Null:
                output.Append("null");
                break;
            case TemplateValueKind.String:
                output.Append(value.AsString);
                break;
            case TemplateValueKind.Boolean:
                output.Append(value.AsBoolean ? "true" : "false");
                break;
            case TemplateValueKind.Integer:
                output.Append(value.AsInteger);
                break;
            case TemplateValueKind.Double:
                WriteDouble(output, value.AsDouble);
                break;
            case TemplateValueKind.List:
                WriteList(output, value.AsList);
                break;
            case TemplateValueKind.Map:
                WriteMap(output, value.AsMap);
                break;
            default:
                value.AsObject.WriteTo(output);
                break;
        }
    }

    private static void WriteList(StringBuilder output, TemplateList list)
    {
        if (list.FromJson)
        {
            WriteJson(output, TemplateValue.From(list));
            return;
        }
        output.Append('[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                output.Append(", ");
            }
            Write(output, list[i]);
        }
        output.Append(']');
    }

    private static void WriteMap(StringBuilder output, TemplateMap map)
    {
        if (map.TryGetJson(out var json))
        {
            TemplateJson.WriteJava(output, json);
            return;
        }
        output.Append('{');
        var first = true;
        foreach (var (key, item) in map.Items)
        {
            if (!first)
            {
                output.Append(", ");
            }
            first = false;
            output.Append(key).Append('=');
            Write(output, item);
        }
        output.Append('}');
    }

    /// <summary>Compact JSON of a value (json-smart's <c>toJSONString</c>).</summary>
    public static void WriteJson(StringBuilder output, TemplateValue value)
    {
        switch (value.Kind)
        {
            case TemplateValueKind.Null:
                output.Append("null");
                break;
            case TemplateValueKind.String:
                WriteJsonString(output, value.AsString);
                break;
            case TemplateValueKind.Boolean:
            case TemplateValueKind.Integer:
            case TemplateValueKind.Double:
                Write(output, value);
                break;
            case TemplateValueKind.List when value.AsList.TryGetJson(out var array):
                TemplateJson.WriteJson(output, array);
                break;
            case TemplateValueKind.Map when value.AsMap.TryGetJson(out var json):
                TemplateJson.WriteJson(output, json);
                break;
            case TemplateValueKind.List:
                output.Append('[');
                var list = value.AsList;
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Append(',');
                    }
                    WriteJson(output, list[i]);
                }
                output.Append(']');
                break;
            case TemplateValueKind.Map:
                output.Append('{');
                var first = true;
                foreach (var (key, item) in value.AsMap.Items)
                {
                    if (!first)
                    {
                        output.Append(',');
                    }
                    first = false;
                    WriteJsonString(output, key);
                    output.Append(':');
                    WriteJson(output, item);
                }
                output.Append('}');
                break;
            default:
                var sb = new StringBuilder();
                value.AsObject.WriteTo(sb);
                WriteJsonString(output, sb.ToString());
                break;
        }
    }

    public static void WriteJsonString(StringBuilder output, string text)
    {
        output.Append('"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }
            output.Append(text, start, i - start);
            start = i + 1;
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                default: output.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
            }
        }
        output.Append(text, start, text.Length - start);
        output.Append('"');
    }

    /// <summary>Java's <c>Double.toString</c>: <c>2.0</c>, <c>249.99</c>, <c>1.0E10</c>, <c>1.5E-4</c>.</summary>
    public static void WriteDouble(StringBuilder output, double d)
    {
        if (double.IsNaN(d))
        {
            output.Append("NaN");
            return;
        }
        if (double.IsInfinity(d))
        {
            output.Append(d > 0 ? "Infinity" : "-Infinity");
            return;
        }
        if (d == 0)
        {
            output.Append(double.IsNegative(d) ? "-0.0" : "0.0");
            return;
        }
        var abs = Math.Abs(d);
        if (abs >= 1e-3 && abs < 1e7)
        {
            var plain = d.ToString("R", CultureInfo.InvariantCulture);
            output.Append(plain);
            if (plain.IndexOf('.') < 0 && plain.IndexOf('E') < 0)
            {
                output.Append(".0");
            }
            return;
        }
        // Shortest round-trip digits, then Java's computerized scientific notation.
        var r = abs.ToString("E16", CultureInfo.InvariantCulture);
        var shortest = abs.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(shortest, CultureInfo.InvariantCulture) == abs)
        {
            r = abs.ToString("E" + CountSignificantDigits(shortest), CultureInfo.InvariantCulture);
        }
        var ePos = r.IndexOf('E');
        var mantissa = r[..ePos].TrimEnd('0');
        if (mantissa.EndsWith('.'))
        {
            mantissa += "0";
        }
        var exponent = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (d < 0)
        {
            output.Append('-');
        }
        output.Append(mantissa).Append('E').Append(exponent);
    }

    private static int CountSignificantDigits(string shortest)
    {
        var ePos = shortest.IndexOf('E');
        var digits = ePos < 0 ? shortest : shortest[..ePos];
        var count = 0;
        var leading = true;
        foreach (var c in digits)
        {
            if (c is >= '0' and <= '9')
            {
                if (c == '0' && leading)
                {
                    continue;
                }
                leading = false;
                count++;
            }
        }
        // Trailing zeros of an integer-looking number are not significant.
        if (ePos < 0 && digits.IndexOf('.') < 0)
        {
            count -= digits.Length - digits.TrimEnd('0').Length;
        }
        return Math.Max(count - 1, 1);
    }
}
