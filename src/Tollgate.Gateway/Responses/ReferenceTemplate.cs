using System.Text;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Responses;

/// <summary>
/// A template whose only dynamic parts are references: <c>$context.name</c>,
/// <c>$stageVariables.name</c> and <c>$method.request.{path|querystring|header}.name</c>, plain
/// or in braces (<c>${context.requestId}</c>). API Gateway evaluates gateway response templates
/// this way, not as full Velocity. Anything else after a <c>$</c> stays as written.
/// </summary>
internal sealed class ReferenceTemplate
{
    private readonly Part[] _parts;

    private ReferenceTemplate(Part[] parts) => _parts = parts;

    private readonly record struct Part(string Text, ParameterSource? Reference);

    public static ReferenceTemplate Parse(string text)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '$' && TryReadReference(text, i, out var name, out var length)
                && ToSource(name) is { } source)
            {
                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null));
                    literal.Clear();
                }
                parts.Add(new Part(text.Substring(i, length), source));
                i += length;
                continue;
            }
            literal.Append(c);
            i++;
        }
        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }
        return new ReferenceTemplate([.. parts]);
    }

    public string Render(RequestContext context)
    {
        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            sb.Append(part.Reference is null ? part.Text : part.Reference.Resolve(context) ?? "");
        }
        return sb.ToString();
    }

    private static ParameterSource? ToSource(string name)
    {
        if (name.StartsWith("context.", StringComparison.Ordinal) || name.StartsWith("stageVariables.", StringComparison.Ordinal)
            || name.StartsWith("method.request.", StringComparison.Ordinal))
        {
            return ParameterSource.Parse(name, out _);
        }
        return null;
    }

    private static bool TryReadReference(string text, int dollar, out string name, out int length)
    {
        name = "";
        length = 0;
        var start = dollar + 1;
        if (start < text.Length && text[start] == '{')
        {
            var close = text.IndexOf('}', start);
            if (close < 0)
            {
                return false;
            }
            name = text[(start + 1)..close];
            length = close - dollar + 1;
            return name.Length > 0;
        }
        var end = start;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '.' or '-'))
        {
            end++;
        }
        // A sentence-ending dot is text, not part of the name.
        while (end > start && text[end - 1] == '.')
        {
            end--;
        }
        name = text[start..end];
        length = end - dollar;
        return name.Length > 0;
    }
}
