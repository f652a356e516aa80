using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Templates.Engine;
using Tollgate.Gateway.Templates.JsonPath;

namespace Tollgate.Gateway.Templates.ApiGateway;

/// <summary>
/// <c>$input</c> of one request or integration response: <c>body</c>, <c>json(path)</c>,
/// <c>path(path)</c>, <c>params()</c> and <c>params(name)</c>. The body is parsed as JSON at most
/// once, on first use. A body that is not JSON is the JSON string of itself, so that
/// <c>$input.path('$')</c> of a form post is the raw text, as in API Gateway.
/// </summary>
internal sealed class InputVariable : ITemplateObject
{
    private readonly string _body;
    private readonly IReadOnlyDictionary<string, string>? _path;
    private readonly IReadOnlyDictionary<string, string>? _query;
    private readonly IReadOnlyDictionary<string, string>? _headers;
    private TemplateMap? _params;
    private bool _parsed;
    private bool _hasJson;
    private JsonElement _root;

    /// <param name="body">The payload as text (empty when there is none).</param>
    /// <param name="path">Path parameters.</param>
    /// <param name="query">Query string parameters.</param>
    /// <param name="headers">Headers; lookups use the dictionary's own comparer.</param>
    public InputVariable(
        string? body,
        IReadOnlyDictionary<string, string>? path = null,
        IReadOnlyDictionary<string, string>? query = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        _body = body ?? "";
        _path = path;
        _query = query;
        _headers = headers;
    }

    public bool TryGetProperty(string name, out TemplateValue value)
    {
        if (name == "body")
        {
            value = TemplateValue.From(Body);
            return true;
        }
        value = TemplateValue.Null;
        return false;
    }

    /// <summary>API Gateway gives <c>{}</c> for an empty payload.</summary>
    public string Body => _body.Length == 0 ? "{}" : _body;

    public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        switch (name)
        {
            case "json" when args.Length == 1:
                result = args[0].IsNull ? TemplateValue.Null : TemplateValue.From(Json(args[0].ToString()));
                return true;
            case "path" when args.Length == 1:
                result = args[0].IsNull ? TemplateValue.Null : Path(args[0].ToString());
                return true;
            case "params" when args.Length == 0:
                result = TemplateValue.From(Params());
                return true;
            case "params" when args.Length == 1:
                result = TemplateValue.From(Param(args[0].ToString()));
                return true;
            case "getBody" when args.Length == 0:
                result = TemplateValue.From(Body);
                return true;
        }
        result = TemplateValue.Null;
        return false;
    }

    /// <summary>
    /// The JSON text of what <paramref name="path"/> selects: the value of a definite path, a JSON
    /// array of the matches of any other. <c>null</c> when a definite path matches nothing.
    /// </summary>
    public string Json(string path)
    {
        var compiled = Compile(path);
        if (!TryGetRoot(out var root))
        {
            return "null";
        }
        if (compiled.IsDefinite)
        {
            return compiled.TrySelectSingle(root, out var single) ? JsonValues.ToCompactString(single) : "null";
        }
        var matches = new List<JsonElement>();
        compiled.Evaluate(root, matches);
        var sb = new StringBuilder("[");
        for (var i = 0; i < matches.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            JsonValues.WriteCompact(sb, matches[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>What <paramref name="path"/> selects as a template object; null when a definite path matches nothing.</summary>
    public TemplateValue Path(string path)
    {
        var compiled = Compile(path);
        if (!TryGetRoot(out var root))
        {
            return TemplateValue.Null;
        }
        if (compiled.IsDefinite)
        {
            return compiled.TrySelectSingle(root, out var single) ? JsonValues.ToTemplateValue(single) : TemplateValue.Null;
        }
        var matches = new List<JsonElement>();
        compiled.Evaluate(root, matches);
        var list = new TemplateList(fromJson: true, capacity: matches.Count);
        foreach (var match in matches)
        {
            list.Add(JsonValues.ToTemplateValue(match));
        }
        return TemplateValue.From(list);
    }

    /// <summary><c>$input.params()</c>: a map of <c>path</c>, <c>querystring</c> and <c>header</c> maps.</summary>
    public TemplateMap Params()
    {
        if (_params is null)
        {
            var all = new TemplateMap(3);
            all.Put("path", TemplateValue.From(TemplateMap.FromStrings(_path)));
            all.Put("querystring", TemplateValue.From(TemplateMap.FromStrings(_query)));
            all.Put("header", TemplateValue.From(TemplateMap.FromStrings(_headers)));
            _params = all;
        }
        return _params;
    }

    /// <summary><c>$input.params('x')</c>: path, then query string, then header; empty when absent.</summary>
    public string Param(string name)
    {
        if (_path is not null && _path.TryGetValue(name, out var value))
        {
            return value;
        }
        if (_query is not null && _query.TryGetValue(name, out value))
        {
            return value;
        }
        if (_headers is not null && _headers.TryGetValue(name, out value))
        {
            return value;
        }
        return "";
    }

    private static JsonPathExpression Compile(string path) =>
        JsonPathExpression.Compile(path, out var error) ?? throw new TemplateRuntimeException(error!);

    private bool TryGetRoot(out JsonElement root)
    {
        if (!_parsed)
        {
            _parsed = true;
            if (_body.Length > 0 && !string.IsNullOrWhiteSpace(_body))
            {
                _hasJson = JsonValues.TryParse(_body, out _root) || SetRootToBodyString();
            }
        }
        root = _root;
        return _hasJson;
    }

    private bool SetRootToBodyString()
    {
        _root = JsonSerializer.SerializeToElement(_body);
        return true;
    }

    public void WriteTo(StringBuilder output) => output.Append("$input");
}
