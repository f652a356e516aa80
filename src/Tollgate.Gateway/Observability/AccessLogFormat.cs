using System.Text;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// An access-log format compiled once per config: literal text and <c>$context</c> variables, each
/// variable already bound to its reader in <see cref="ContextVariables"/>. Rendering walks the
/// parts; a variable without a value is written <c>-</c>, as AWS does.
/// </summary>
internal sealed class AccessLogFormat
{
    /// <summary>AWS's limit on an HTTP API's format, in characters.</summary>
    public const int HttpApiMaxLength = 1024;

    private const string Prefix = "$context.";

    [ThreadStatic]
    private static StringBuilder? _builder;

    private readonly Part[] _parts;

    private AccessLogFormat(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The format as configured.</summary>
    public string Text { get; }

    private readonly record struct Part(string? Literal, Func<RequestContext, string?>? Variable);

    /// <summary>
    /// Compiles a format; null with <paramref name="error"/> (naming the 1-based column) when a
    /// variable is unknown, a reference is not <c>$context</c>, or the format lacks a request id.
    /// </summary>
    public static AccessLogFormat? Parse(string format, bool httpApi, out string? error)
    {
        error = null;
        // A YAML block scalar ends with a line break; the line itself must be one line.
        var text = format.TrimEnd('\r', '\n');
        if (httpApi && text.Length > HttpApiMaxLength)
        {
            error = $"the format is {text.Length} characters long; an HTTP API's is at most {HttpApiMaxLength}.";
            return null;
        }
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var hasRequestId = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\r' or '\n')
            {
                error = $"column {i + 1}: a line break; the format must be a single line.";
                return null;
            }
            if (c != '$')
            {
                literal.Append(c);
                i++;
                continue;
            }
            var end = NameEnd(text, i + 1);
            var reference = text.AsSpan(i + 1, end - i - 1);
            if (!text.AsSpan(i).StartsWith(Prefix, StringComparison.Ordinal))
            {
                // "$5" or "$ " is text; "$input.body" or "$stageVariables.x" is a reference AWS refuses in access logs.
                if (reference.Contains('.'))
                {
                    error = $"column {i + 1}: '${reference}' is not a $context variable; access logs may use only $context variables.";
                    return null;
                }
                literal.Append(c);
                i++;
                continue;
            }
            end = NameEnd(text, i + Prefix.Length);
            var name = text[(i + Prefix.Length)..end];
            if (name.Length == 0 || ContextVariables.Reader(name) is not { } reader)
            {
                error = $"column {i + 1}: '{Prefix}{name}' is not a $context variable API Gateway defines.";
                return null;
            }
            hasRequestId |= name is "requestId" or "extendedRequestId";
            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), null));
                literal.Clear();
            }
            parts.Add(new Part(null, reader));
            i = end;
        }
        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }
        if (!hasRequestId)
        {
            error = "the format must contain $context.requestId or $context.extendedRequestId, as in API Gateway.";
            return null;
        }
        return new AccessLogFormat(text, [.. parts]);
    }

    /// <summary>
    /// Where a variable name starting at <paramref name="start"/> ends: letters, digits, <c>_</c>,
    /// <c>-</c> and <c>.</c>, without a trailing <c>.</c> or <c>-</c> (<c>$context.status.</c> ends a sentence).
    /// </summary>
    private static int NameEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-' or '.'))
        {
            end++;
        }
        while (end > start && text[end - 1] is '.' or '-')
        {
            end--;
        }
        return end;
    }

    /// <summary>The line for a completed request, without its line break.</summary>
    public string Render(RequestContext context)
    {
        var builder = _builder ??= new StringBuilder(256);
        builder.Clear();
        foreach (var part in _parts)
        {
            if (part.Literal is { } literal)
            {
                builder.Append(literal);
            }
            else
            {
                AppendValue(builder, part.Variable!(context));
            }
        }
        var line = builder.ToString();
        if (builder.Capacity > 16 * 1024)
        {
            _builder = null;
        }
        return line;
    }

    /// <summary>
    /// A value, or <c>-</c> when it is absent or empty. Quotes, backslashes and control characters
    /// are escaped as Apache's access log does (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\u0001</c>), so a
    /// value can neither break a line in two nor end a quoted field of the JSON, XML, CLF or CSV presets.
    /// </summary>
    private static void AppendValue(StringBuilder builder, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            builder.Append('-');
            return;
        }
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ' or '\u007f':
                    builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
    }
}
