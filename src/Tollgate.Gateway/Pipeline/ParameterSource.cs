namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// A compiled right-hand side of a parameter mapping (<c>requestParameters</c>,
/// <c>responseParameters</c>): a quoted static value, a method request parameter, a
/// <c>context.*</c> variable or a stage variable. Parsed once at config time.
/// </summary>
internal sealed class ParameterSource
{
    private enum Kind
    {
        Static,
        Path,
        QueryString,
        MultiValueQueryString,
        Header,
        MultiValueHeader,
        Context,
        StageVariable,
    }

    private readonly Kind _kind;
    private readonly string _name;

    private ParameterSource(Kind kind, string name)
    {
        _kind = kind;
        _name = name;
    }

    public bool IsStatic => _kind == Kind.Static;

    /// <summary>The path parameter's name when this source is <c>method.request.path.name</c>; else null.</summary>
    public string? PathParameterName => _kind == Kind.Path ? _name : null;

    /// <summary>Parses a mapping expression; null with <paramref name="error"/> set when it is not one this gateway knows.</summary>
    public static ParameterSource? Parse(string expression, out string? error)
    {
        error = null;
        var e = expression.Trim();
        if (e.Length >= 2 && e[0] == '\'' && e[^1] == '\'')
        {
            return new ParameterSource(Kind.Static, e[1..^1]);
        }
        (string Prefix, Kind Kind)[] prefixes =
        [
            ("method.request.path.", Kind.Path),
            ("method.request.querystring.", Kind.QueryString),
            ("method.request.multivaluequerystring.", Kind.MultiValueQueryString),
            ("method.request.header.", Kind.Header),
            ("method.request.multivalueheader.", Kind.MultiValueHeader),
            ("context.", Kind.Context),
            ("stageVariables.", Kind.StageVariable),
        ];
        foreach (var (prefix, kind) in prefixes)
        {
            if (e.StartsWith(prefix, StringComparison.Ordinal) && e.Length > prefix.Length)
            {
                return new ParameterSource(kind, e[prefix.Length..]);
            }
        }
        error = $"mapping source '{expression}' is not a quoted static value, method.request.{{path|querystring|multivaluequerystring|header|multivalueheader}}.name, context.name or stageVariables.name";
        return null;
    }

    /// <summary>The value for this request; null when the source is absent (the mapping is then skipped).</summary>
    public string? Resolve(RequestContext context)
    {
        var request = context.Http.Request;
        switch (_kind)
        {
            case Kind.Static:
                return _name;
            case Kind.Path:
                return context.GetPathParameter(_name);
            case Kind.QueryString:
                // API Gateway passes the last value of a repeated single-value parameter.
                return request.Query.TryGetValue(_name, out var q) && q.Count > 0 ? q[^1] : null;
            case Kind.MultiValueQueryString:
                return request.Query.TryGetValue(_name, out var mq) && mq.Count > 0 ? string.Join(",", mq.ToArray()) : null;
            case Kind.Header:
                return request.Headers.TryGetValue(_name, out var h) && h.Count > 0 ? h[^1] : null;
            case Kind.MultiValueHeader:
                return request.Headers.TryGetValue(_name, out var mh) && mh.Count > 0 ? string.Join(",", mh.ToArray()) : null;
            case Kind.Context:
                return context.TryGetVariable(_name, out var v) ? v : null;
            case Kind.StageVariable:
                return context.GetStageVariable(_name);
            default:
                return null;
        }
    }
}
