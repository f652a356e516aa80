using System.Globalization;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// The root variables of one render against one request: <c>$input</c> (over
/// <paramref name="body"/>, UTF-8: the request body for request templates, the integration's
/// response body for response templates), <c>$context</c>, <c>$stageVariables</c> and
/// <c>$util</c>. Each is built on first use, so a template that reads only <c>$input.body</c>
/// builds nothing else. What the render materialises is charged to <see cref="Budget"/>;
/// dispose the scope once the render and its overrides have been read, to give the parsed
/// body's pooled memory back.
/// </summary>
internal sealed class MappingScope(RequestContext context, ReadOnlyMemory<byte> body, long budgetBytes) : ITemplateScope, IDisposable
{
    private InputVariable? _input;
    private UtilVariable? _util;
    private ContextVariable? _context;
    private TemplateMap? _stageVariables;
    private TemplateMap? _requestOverride;
    private TemplateMap? _responseOverride;

    // A response template starts from what the request template of the same request set.
    public TemplateMap RequestOverride => _requestOverride ??= (context.TemplateOverrides is { } set ? CopyOf(set.Request) : NewOverride(request: true));

    public TemplateMap ResponseOverride => _responseOverride ??= (context.TemplateOverrides is { } set ? CopyOf(set.Response) : NewOverride(request: false));

    public RenderBudget Budget { get; } = new(budgetBytes);

    public bool TryGetRoot(string name, out TemplateValue value)
    {
        switch (name)
        {
            case "input":
                value = TemplateValue.From(_input ??= new InputVariable(
                    body, Budget, RequestView.Path(context), RequestView.Query(context.Http.Request.Query), RequestView.Headers(context.Http.Request.Headers)));
                return true;
            case "context":
                value = TemplateValue.From(_context ??= new ContextVariable(context, this));
                return true;
            case "stageVariables":
                value = TemplateValue.From(_stageVariables ??= TemplateMap.FromStrings(context.Stage?.Variables));
                return true;
            case "util":
                value = TemplateValue.From(_util ??= new UtilVariable(Budget));
                return true;
            default:
                value = TemplateValue.Null;
                return false;
        }
    }

    /// <summary>Header, query string and path values a request template set under <c>$context.requestOverride</c>; null when none.</summary>
    public OverrideValues? RequestOverrides() => _requestOverride is { } map
        ? new OverrideValues(Strings(map, "header"), Strings(map, "querystring"), Strings(map, "path"), null)
        : null;

    /// <summary>
    /// Keeps what this (request) template set under the override maps for the response side, as
    /// plain strings: the values may point into the parsed body, which the scope gives back.
    /// </summary>
    public CarriedOverrides? CarryOver() =>
        _requestOverride is null && _responseOverride is null
            ? null
            : new CarriedOverrides(
                Flatten(_requestOverride ?? NewOverride(request: true), ["header", "querystring", "path"]),
                Flatten(_responseOverride ?? NewOverride(request: false), ["header"]));

    /// <summary>Status and headers a template set under <c>$context.responseOverride</c>; null when none.</summary>
    public OverrideValues? ResponseOverrides() =>
        _responseOverride is { } map ? ResponseOverridesOf(map) : null;

    /// <summary>Status and headers of a <c>responseOverride</c> map.</summary>
    public static OverrideValues ResponseOverridesOf(TemplateMap map)
    {
        var value = map.Get("status");
        int? status = null;
        if (value.TryGetInt32(out var number))
        {
            status = number;
        }
        else if (value.IsString && int.TryParse(value.AsString, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            status = number;
        }
        return new OverrideValues(Strings(map, "header"), null, null, status is >= 100 and <= 599 ? status : null);
    }

    public void Dispose() => _input?.Dispose();

    private static TemplateMap NewOverride(bool request)
    {
        var map = new TemplateMap();
        map.GetOrAddMap("header");
        if (request)
        {
            map.GetOrAddMap("querystring");
            map.GetOrAddMap("path");
        }
        return map;
    }

    /// <summary>A copy of a carried-over map (sections of strings, and a status), so that a render does not change the original.</summary>
    private static TemplateMap CopyOf(TemplateMap source)
    {
        var copy = new TemplateMap();
        foreach (var (key, value) in source.Items)
        {
            if (value.Kind == TemplateValueKind.Map)
            {
                var section = copy.GetOrAddMap(key);
                foreach (var (name, item) in value.AsMap.Items)
                {
                    section.Put(name, item);
                }
            }
            else
            {
                copy.Put(key, value);
            }
        }
        return copy;
    }

    private static TemplateMap Flatten(TemplateMap source, string[] sections)
    {
        var copy = new TemplateMap();
        foreach (var section in sections)
        {
            var target = copy.GetOrAddMap(section);
            foreach (var (key, value) in Strings(source, section) ?? [])
            {
                target.Put(key, TemplateValue.From(value));
            }
        }
        if (source.Get("status") is { IsNull: false } status)
        {
            copy.Put("status", status.TryGetInt32(out var number) ? TemplateValue.From(number) : TemplateValue.From(status.ToString()));
        }
        return copy;
    }

    private static List<KeyValuePair<string, string>>? Strings(TemplateMap parent, string name)
    {
        if (parent.Get(name) is not { Kind: TemplateValueKind.Map } map || map.AsMap.Count == 0)
        {
            return null;
        }
        var result = new List<KeyValuePair<string, string>>(map.AsMap.Count);
        foreach (var (key, value) in map.AsMap.Items)
        {
            if (value.IsNull)
            {
                continue;
            }
            if (value.Kind == TemplateValueKind.List)
            {
                var parts = new List<string>(value.AsList.Count);
                foreach (var item in value.AsList.Items)
                {
                    parts.Add(item.ToString());
                }
                result.Add(new(key, string.Join(',', parts)));
                continue;
            }
            result.Add(new(key, value.ToString()));
        }
        return result;
    }
}

/// <summary>What a template's <c>requestOverride</c> or <c>responseOverride</c> set; a list value is joined with commas.</summary>
internal sealed record OverrideValues(
    List<KeyValuePair<string, string>>? Headers,
    List<KeyValuePair<string, string>>? QueryString,
    List<KeyValuePair<string, string>>? Path,
    int? Status);
