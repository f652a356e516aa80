using System.Globalization;
using System.Text;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates.ApiGateway;

/// <summary>
/// <c>$util</c>: <c>escapeJavaScript</c>, <c>parseJson</c>, <c>urlEncode</c>, <c>urlDecode</c>,
/// <c>base64Encode</c>, <c>base64Decode</c>. Stateless; one instance serves every request.
/// A null argument gives null, as the Java methods do. What a call makes (a string, a parsed
/// document) is charged to the render's budget, so one instance serves one render.
/// </summary>
internal sealed class UtilVariable(RenderBudget budget) : ITemplateObject
{
    public bool TryGetProperty(string name, out TemplateValue value)
    {
        value = TemplateValue.Null;
        return false;
    }

    public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        result = TemplateValue.Null;
        if (args.Length != 1)
        {
            return false;
        }
        var arg = args[0];
        switch (name)
        {
            case "escapeJavaScript":
            case "parseJson":
            case "urlEncode":
            case "urlDecode":
            case "base64Encode":
            case "base64Decode":
                break;
            default:
                return false;
        }
        if (arg.IsNull)
        {
            return true;
        }
        var text = arg.ToString();
        result = name switch
        {
            "escapeJavaScript" => TemplateValue.From(EscapeJavaScript(text)),
            "parseJson" => ParseJson(text, budget),
            "urlEncode" => TemplateValue.From(UrlEncode(text)),
            "urlDecode" => TemplateValue.From(UrlDecode(text)),
            "base64Encode" => TemplateValue.From(Convert.ToBase64String(Encoding.UTF8.GetBytes(text))),
            _ => TemplateValue.From(Base64Decode(text)),
        };
        if (result.IsString)
        {
            budget.ChargeText(result.AsString.Length);
        }
        return true;
    }

    /// <summary>
    /// JavaScript string escaping as Apache Commons Lang's <c>escapeJavaScript</c>, which API
    /// Gateway uses: <c>"</c>, <c>\</c>, <c>/</c> and <c>'</c> get a backslash (the AWS guide warns
    /// that <c>\'</c> is not valid JSON), control characters become <c>\n</c>, <c>\t</c>, ... or
    /// <c>\u00XX</c>, and characters beyond ASCII become <c>\uXXXX</c>.
    /// </summary>
    public static string EscapeJavaScript(string text)
    {
        var i = 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20 || c > 0x7e || c is '"' or '\\' or '/' or '\'')
            {
                break;
            }
        }
        if (i == text.Length)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\'': sb.Append("\\'"); break;
                case '\\': sb.Append("\\\\"); break;
                case '/': sb.Append("\\/"); break;
                case '\b': sb.Append("\\b"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The parsed value owns a copy of the text as UTF-8 and its index: charged as twice the text's length.</summary>
    private static TemplateValue ParseJson(string text, RenderBudget budget)
    {
        budget.Charge(2L * text.Length);
        if (!JsonValues.TryParse(text, out var element))
        {
            throw new TemplateRuntimeException("$util.parseJson: the argument is not valid JSON.");
        }
        return TemplateJson.ToTemplateValue(element, budget);
    }

    /// <summary>Java's <c>URLEncoder.encode(s, "UTF-8")</c>: letters, digits and <c>.-*_</c> stay, space is <c>+</c>.</summary>
    public static string UrlEncode(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '*' or '_')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                    ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), bytes)
                    : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), bytes);
                for (var b = 0; b < length; b++)
                {
                    sb.Append('%').Append(bytes[b].ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>Java's <c>URLDecoder.decode(s, "UTF-8")</c>; a malformed escape is a runtime error.</summary>
    public static string UrlDecode(string text)
    {
        if (text.IndexOf('%') < 0 && text.IndexOf('+') < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        var buffer = new List<byte>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == '%')
            {
                buffer.Clear();
                while (i < text.Length && text[i] == '%')
                {
                    if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    {
                        throw new TemplateRuntimeException("$util.urlDecode: incomplete or invalid '%' escape.");
                    }
                    buffer.Add(b);
                    i += 3;
                }
                sb.Append(Encoding.UTF8.GetString(buffer.ToArray()));
                continue;
            }
            sb.Append(c == '+' ? ' ' : c);
            i++;
        }
        return sb.ToString();
    }

    private static string Base64Decode(string text)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException e)
        {
            throw new TemplateRuntimeException("$util.base64Decode: the argument is not valid base64.", e);
        }
    }

    public void WriteTo(StringBuilder output) => output.Append("$util");
}
