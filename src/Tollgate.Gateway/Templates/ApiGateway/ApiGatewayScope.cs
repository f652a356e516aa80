using System.Globalization;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates.ApiGateway;

/// <summary>
/// The root variables of an API Gateway mapping template for one request: <c>$input</c>,
/// <c>$util</c>, <c>$context</c> and <c>$stageVariables</c>. <c>$context</c> gets writable
/// <c>requestOverride</c> (<c>header</c>, <c>querystring</c>, <c>path</c>) and
/// <c>responseOverride</c> (<c>header</c>, <c>status</c>) maps; read them back with
/// <see cref="ReadOverrides"/> after rendering.
/// </summary>
internal sealed class ApiGatewayScope : ITemplateScope
{
    private UtilVariable? _util;

    public ApiGatewayScope(InputVariable input, TemplateMap? context = null, TemplateMap? stageVariables = null)
    {
        Input = input;
        Context = context ?? new TemplateMap();
        StageVariables = stageVariables ?? new TemplateMap();
        var request = Context.GetOrAddMap("requestOverride");
        request.GetOrAddMap("header");
        request.GetOrAddMap("querystring");
        request.GetOrAddMap("path");
        Context.GetOrAddMap("responseOverride").GetOrAddMap("header");
    }

    public InputVariable Input { get; }

    /// <summary>The budget of <see cref="Input"/>: one render's.</summary>
    public RenderBudget Budget => Input.Budget;

    public TemplateMap Context { get; }

    public TemplateMap StageVariables { get; }

    public bool TryGetRoot(string name, out TemplateValue value)
    {
        switch (name)
        {
            case "input":
                value = TemplateValue.From(Input);
                return true;
            case "util":
                value = TemplateValue.From(_util ??= new UtilVariable(Budget));
                return true;
            case "context":
                value = TemplateValue.From(Context);
                return true;
            case "stageVariables":
                value = TemplateValue.From(StageVariables);
                return true;
            default:
                value = TemplateValue.Null;
                return false;
        }
    }

    /// <summary>What the template set under <c>$context.requestOverride</c> and <c>$context.responseOverride</c>.</summary>
    public TemplateOverrides ReadOverrides()
    {
        var request = Context.Get("requestOverride");
        var response = Context.Get("responseOverride");
        int? status = null;
        if (response.Kind == TemplateValueKind.Map)
        {
            var value = response.AsMap.Get("status");
            if (value.TryGetInt32(out var number))
            {
                status = number;
            }
            else if (value.IsString && int.TryParse(value.AsString, NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                status = number;
            }
        }
        return new TemplateOverrides(
            Strings(request, "header"),
            Strings(request, "querystring"),
            Strings(request, "path"),
            status,
            Strings(response, "header"));
    }

    private static Dictionary<string, string> Strings(TemplateValue parent, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parent.Kind != TemplateValueKind.Map || parent.AsMap.Get(name) is not { Kind: TemplateValueKind.Map } map)
        {
            return result;
        }
        foreach (var (key, value) in map.AsMap.Items)
        {
            if (value.IsNull)
            {
                continue;
            }
            result[key] = value.Kind == TemplateValueKind.List ? string.Join(',', ListStrings(value.AsList)) : value.ToString();
        }
        return result;
    }

    private static List<string> ListStrings(TemplateList list)
    {
        var strings = new List<string>(list.Count);
        foreach (var item in list.Items)
        {
            strings.Add(item.ToString());
        }
        return strings;
    }
}

/// <summary>
/// Overrides a template set: request header, query string and path values for the integration
/// request, and the status code and headers of the method response. A list value (several
/// values for one header) is joined with commas.
/// </summary>
internal sealed record TemplateOverrides(
    IReadOnlyDictionary<string, string> RequestHeaders,
    IReadOnlyDictionary<string, string> RequestQueryString,
    IReadOnlyDictionary<string, string> RequestPath,
    int? ResponseStatus,
    IReadOnlyDictionary<string, string> ResponseHeaders);

/// <summary>Builds template maps from plain data (strings, numbers, booleans, dictionaries, lists).</summary>
internal static class TemplateData
{
    public static TemplateMap Map(IEnumerable<KeyValuePair<string, object?>> items)
    {
        var map = new TemplateMap();
        foreach (var (key, value) in items)
        {
            map.Put(key, Value(value));
        }
        return map;
    }

    public static TemplateValue Value(object? value) => value switch
    {
        null => TemplateValue.Null,
        string s => TemplateValue.From(s),
        bool b => TemplateValue.From(b),
        int i => TemplateValue.From((long)i),
        long l => TemplateValue.From(l),
        double d => TemplateValue.From(d),
        decimal m => TemplateValue.From((double)m),
        TemplateMap m => TemplateValue.From(m),
        TemplateList l => TemplateValue.From(l),
        IEnumerable<KeyValuePair<string, object?>> d => TemplateValue.From(Map(d)),
        IEnumerable<KeyValuePair<string, string>> d => TemplateValue.From(TemplateMap.FromStrings(d)),
        System.Collections.IEnumerable e => TemplateValue.From(List(e)),
        _ => TemplateValue.From(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static TemplateList List(System.Collections.IEnumerable items)
    {
        var list = new TemplateList();
        foreach (var item in items)
        {
            list.Add(Value(item));
        }
        return list;
    }
}
