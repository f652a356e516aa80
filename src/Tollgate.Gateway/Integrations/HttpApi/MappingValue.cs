using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Templates.JsonPath;

namespace Tollgate.Gateway.Integrations.HttpApi;

/// <summary>What a response mapping may read besides the request: the backend's response head and, when buffered, its body.</summary>
internal readonly record struct MappingResponse(UpstreamResponse Message, JsonElement? Body);

/// <summary>
/// The right-hand side of an HTTP API parameter mapping, compiled once: static text with references
/// such as <c>$request.header.X</c>, <c>$request.querystring.X</c>, <c>$request.path</c>,
/// <c>$request.path.X</c>, <c>$context.X</c>, <c>$stageVariables.X</c>, and in response mappings
/// <c>$response.header.X</c> and <c>$response.body.X</c> (a JSON path). A reference name runs over
/// letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; <c>${request.header.X}</c> delimits one inside text.
/// A <c>$</c> not followed by a dotted name (<c>$5</c>) is text; a dotted name that is no known
/// reference (<c>$method.request.header.X</c>, REST syntax) is a config error.
/// </summary>
internal sealed class MappingValue
{
    private enum Kind
    {
        Literal,
        RequestHeader,
        RequestQuery,
        RequestPath,
        PathParameter,
        Context,
        StageVariable,
        ResponseHeader,
        ResponseBody,
    }

    private readonly record struct Part(Kind Kind, string Text, JsonPathExpression? Path);

    private static readonly (string Prefix, Kind Kind)[] Prefixes =
    [
        ("request.header.", Kind.RequestHeader),
        ("request.querystring.", Kind.RequestQuery),
        ("request.path.", Kind.PathParameter),
        ("context.", Kind.Context),
        ("stageVariables.", Kind.StageVariable),
        ("response.header.", Kind.ResponseHeader),
        ("response.body.", Kind.ResponseBody),
    ];

    private readonly Part[] _parts;

    private MappingValue(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>Whether the value reads the response body (the forwarder then buffers it).</summary>
    public bool ReadsResponseBody => Array.Exists(_parts, p => p.Kind == Kind.ResponseBody);

    /// <summary>Whether the value reads the response at all (only response mappings may).</summary>
    public bool ReadsResponse => Array.Exists(_parts, p => p.Kind is Kind.ResponseHeader or Kind.ResponseBody);

    /// <summary>The value as text when it has no references (e.g. a static status code).</summary>
    public string? StaticText => _parts.Length == 0 ? "" : _parts.Length == 1 && _parts[0].Kind == Kind.Literal ? _parts[0].Text : null;

    /// <summary>Compiles a value; null with <paramref name="error"/> when a reference is not one HTTP APIs know.</summary>
    public static MappingValue? Parse(string text, out string? error)
    {
        error = null;
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                literal.Append(text[i++]);
                continue;
            }
            var braced = text[i + 1] == '{';
            var start = braced ? i + 2 : i + 1;
            int end;
            if (braced)
            {
                end = text.IndexOf('}', start);
                if (end < 0)
                {
                    error = $"'${{' at {i} is not closed";
                    return null;
                }
            }
            else
            {
                end = start;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or '.'))
                {
                    end++;
                }
            }
            var reference = text[start..end];
            // "$5" or "$x" is text; anything shaped like a reference ("$a.b") must be a known one.
            if (reference.Length == 0 || (!braced && !reference.Contains('.', StringComparison.Ordinal)))
            {
                literal.Append(text[i++]);
                continue;
            }
            if (Reference(reference, out error) is not { } part)
            {
                return null;
            }
            if (literal.Length > 0)
            {
                parts.Add(new Part(Kind.Literal, literal.ToString(), null));
                literal.Clear();
            }
            parts.Add(part);
            i = braced ? end + 1 : end;
        }
        if (literal.Length > 0)
        {
            parts.Add(new Part(Kind.Literal, literal.ToString(), null));
        }
        return new MappingValue(text, [.. parts]);
    }

    private static Part? Reference(string reference, out string? error)
    {
        error = null;
        if (reference == "request.path")
        {
            return new Part(Kind.RequestPath, "", null);
        }
        if (reference.StartsWith("request.body", StringComparison.Ordinal))
        {
            error = $"'${reference}': request body mappings are not supported by Tollgate";
            return null;
        }
        foreach (var (prefix, kind) in Prefixes)
        {
            if (!reference.StartsWith(prefix, StringComparison.Ordinal) || reference.Length == prefix.Length)
            {
                continue;
            }
            var name = reference[prefix.Length..];
            if (kind != Kind.ResponseBody)
            {
                return new Part(kind, name, null);
            }
            if (JsonPathExpression.Compile("$." + name, out var pathError) is not { } path)
            {
                error = $"'${reference}': {pathError}";
                return null;
            }
            return new Part(kind, name, path);
        }
        error = $"'${reference}' is not $request.header.X, $request.querystring.X, $request.path, $request.path.X, $context.X, $stageVariables.X, $response.header.X or $response.body.X";
        return null;
    }

    /// <summary>
    /// The value for this request (and response). A value that is one reference gives null when the
    /// referenced parameter is absent (the mapping is then skipped); inside text an absent one is empty.
    /// </summary>
    public string? Resolve(RequestContext context, MappingResponse? response = null)
    {
        if (_parts.Length == 1)
        {
            return Resolve(_parts[0], context, response);
        }
        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            sb.Append(Resolve(part, context, response));
        }
        return sb.ToString();
    }

    private static string? Resolve(Part part, RequestContext context, MappingResponse? response)
    {
        var request = context.Http.Request;
        switch (part.Kind)
        {
            case Kind.Literal:
                return part.Text;
            case Kind.RequestHeader:
                // Repeated headers are joined with commas, as API Gateway does.
                return request.Headers.TryGetValue(part.Text, out var header) && header.Count > 0 ? header.ToString() : null;
            case Kind.RequestQuery:
                return request.Query.TryGetValue(part.Text, out var query) && query.Count > 0 ? query.ToString() : null;
            case Kind.RequestPath:
                return context.ResourceRelativePath;
            case Kind.PathParameter:
                return context.GetPathParameter(part.Text);
            case Kind.Context:
                return context.TryGetVariable(part.Text, out var variable) ? variable : null;
            case Kind.StageVariable:
                return context.GetStageVariable(part.Text);
            case Kind.ResponseHeader:
                return response is { } r ? ResponseHeader(r.Message, part.Text) : null;
            case Kind.ResponseBody:
                return response is { Body: { } body } && part.Path!.TrySelectSingle(body, out var selected) ? AsText(selected) : null;
            default:
                return null;
        }
    }

    private static string? ResponseHeader(UpstreamResponse message, string name) => message.Header(name);

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
