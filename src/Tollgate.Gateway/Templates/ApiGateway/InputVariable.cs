using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Tollgate.Gateway.Templates.Engine;
using Tollgate.Gateway.Templates.JsonPath;

namespace Tollgate.Gateway.Templates.ApiGateway;

/// <summary>
/// <c>$input</c> of one request or integration response: <c>body</c>, <c>json(path)</c>,
/// <c>path(path)</c>, <c>params()</c> and <c>params(name)</c>. The body is parsed as JSON at most
/// once, on first use, straight from its UTF-8 bytes (no copy: the document refers to them and
/// rents its index from the pool until <see cref="Dispose"/>). JSONPath results are references
/// into that document; only what a template reads or writes is copied out, and charged to
/// <see cref="Budget"/>. A body that is not JSON is the JSON string of itself, so that
/// <c>$input.path('$')</c> of a form post is the raw text, as in API Gateway.
/// </summary>
internal sealed class InputVariable : ITemplateObject, IDisposable
{
    private readonly ReadOnlyMemory<byte> _utf8;
    private string? _text;
    private readonly IReadOnlyDictionary<string, string>? _path;
    private readonly IReadOnlyDictionary<string, string>? _query;
    private readonly IReadOnlyDictionary<string, string>? _headers;
    private TemplateMap? _params;
    private bool _parsed;
    private bool _hasJson;
    private JsonDocument? _document;
    private bool _pooled;
    private JsonElement _root;

    /// <param name="body">The payload as UTF-8 (empty when there is none); it must not change while this object is in use.</param>
    /// <param name="budget">What the render may materialise; null for the default.</param>
    /// <param name="path">Path parameters.</param>
    /// <param name="query">Query string parameters.</param>
    /// <param name="headers">Headers; lookups use the dictionary's own comparer.</param>
    public InputVariable(
        ReadOnlyMemory<byte> body,
        RenderBudget? budget,
        IReadOnlyDictionary<string, string>? path = null,
        IReadOnlyDictionary<string, string>? query = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        _utf8 = body;
        Budget = budget ?? RenderBudget.Default();
        _path = path;
        _query = query;
        _headers = headers;
    }

    /// <param name="body">The payload as text (empty when there is none).</param>
    /// <param name="path">Path parameters.</param>
    /// <param name="query">Query string parameters.</param>
    /// <param name="headers">Headers; lookups use the dictionary's own comparer.</param>
    public InputVariable(
        string? body,
        IReadOnlyDictionary<string, string>? path = null,
        IReadOnlyDictionary<string, string>? query = null,
        IReadOnlyDictionary<string, string>? headers = null)
        : this(Encoding.UTF8.GetBytes(body ?? ""), null, path, query, headers)
    {
        _text = body ?? "";
    }

    /// <summary>The budget of the render this input belongs to.</summary>
    public RenderBudget Budget { get; }

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

    /// <summary>API Gateway gives <c>{}</c> for an empty payload. Decoded on first use (and charged).</summary>
    public string Body => _utf8.Length == 0 ? "{}" : Text;

    private string Text
    {
        get
        {
            if (_text is null)
            {
                Budget.ChargeText(Encoding.UTF8.GetCharCount(_utf8.Span));
                _text = Encoding.UTF8.GetString(_utf8.Span);
            }
            return _text;
        }
    }

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
            return compiled.TrySelectSingle(root, out var single) ? JsonValues.ToCompactString(single, Budget) : "null";
        }
        var matches = new List<JsonElement>();
        compiled.Evaluate(root, matches, Budget);
        return JsonValues.ToCompactString(matches, Budget);
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
            return compiled.TrySelectSingle(root, out var single) ? TemplateJson.ToTemplateValue(single, Budget) : TemplateValue.Null;
        }
        var matches = new List<JsonElement>();
        compiled.Evaluate(root, matches, Budget);
        Budget.Charge((long)matches.Count * RenderBudget.NodeBytes);
        var list = new TemplateList(fromJson: true, capacity: matches.Count);
        foreach (var match in matches)
        {
            list.Add(TemplateJson.ToTemplateValue(match, Budget));
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

    /// <summary>
    /// A document whose index is larger than this is not given back to the shared pool when the
    /// render ends but left to the garbage collector: the pool keeps what it is given (per core
    /// and per thread), so a few large bodies would otherwise stay resident for good.
    /// </summary>
    public const int PooledIndexBytes = 1024 * 1024;

    /// <summary>Parses the body once; its index (<see cref="JsonValues.IndexSize"/>) is charged before it is built.</summary>
    private bool TryGetRoot(out JsonElement root)
    {
        if (!_parsed)
        {
            _parsed = true;
            if (!_utf8.Span.Trim(" \t\r\n\v\f"u8).IsEmpty)
            {
                var utf8 = _utf8;
                if (!Utf8.IsValid(utf8.Span))
                {
                    // Invalid sequences read as U+FFFD, as in the body's text (the parser would refuse them only when read).
                    Budget.Charge(utf8.Length);
                    utf8 = Encoding.UTF8.GetBytes(Text);
                }
                var indexBytes = JsonValues.IndexSize(utf8.Span);
                if (indexBytes >= 0)
                {
                    Budget.Charge(indexBytes);
                    _document = JsonValues.ParseDocument(utf8);
                    _pooled = indexBytes <= PooledIndexBytes;
                    _root = _document.RootElement;
                }
                else
                {
                    // Not JSON: the body is the JSON string of itself (its UTF-8, escaped, and an index of one token).
                    Budget.Charge(2L * _utf8.Length);
                    _root = JsonSerializer.SerializeToElement(Text);
                }
                _hasJson = true;
            }
        }
        root = _root;
        return _hasJson;
    }

    /// <summary>
    /// Ends the render's use of the parsed document: a small index goes back to the pool, a large
    /// one (<see cref="PooledIndexBytes"/>) to the garbage collector. Values read from the document
    /// must not be used afterwards.
    /// </summary>
    public void Dispose()
    {
        if (_pooled)
        {
            _document?.Dispose();
        }
        _document = null;
        _pooled = false;
    }

    public void WriteTo(StringBuilder output) => output.Append("$input");
}
