using System.Collections.Immutable;
using System.Globalization;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations.HttpApi;

/// <summary>What a mapping does to its target.</summary>
internal enum MappingOperation
{
    Append,
    Overwrite,
    Remove,
}

/// <summary>One request or response mapping, e.g. <c>append:header.x-tenant</c> = <c>$context.authorizer.tenant</c>.</summary>
internal sealed record HeaderMapping(MappingOperation Operation, string Name, MappingValue Value);

/// <summary>The response mappings for one backend status code.</summary>
internal sealed record ResponseMappings(HeaderMapping[] Headers, MappingValue? StatusCode)
{
    public bool ReadsBody => (StatusCode?.ReadsResponseBody ?? false) || Array.Exists(Headers, h => h.Value.ReadsResponseBody);
}

/// <summary>
/// An HTTP API integration's parameter mappings in AWS's v2 syntax, compiled once per snapshot:
/// <c>requestParameters</c> keyed <c>append|overwrite|remove:header.X</c>,
/// <c>append|overwrite|remove:querystring.X</c> and <c>overwrite:path</c>; <c>responseParameters</c>
/// keyed by backend status code, each with <c>append|overwrite|remove:header.X</c> and
/// <c>overwrite:statuscode</c>. Reserved headers (AWS's list) cannot be mapped.
/// </summary>
internal sealed class HttpApiMappings
{
    private static readonly string[] ReservedHeaders =
    [
        "authorization", "connection", "content-encoding", "content-length", "content-location", "forwarded",
        "keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding",
        "upgrade", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "via", "host",
    ];

    private static readonly string[] ReservedPrefixes = ["access-control-", "apigw-", "x-amz-", "x-amzn-"];

    public HeaderMapping[] RequestHeaders { get; private init; } = [];

    public HeaderMapping[] QueryString { get; private init; } = [];

    public MappingValue? Path { get; private init; }

    public Dictionary<int, ResponseMappings> Responses { get; private init; } = [];

    public bool IsEmpty => RequestHeaders.Length == 0 && QueryString.Length == 0 && Path is null && Responses.Count == 0;

    public static HttpApiMappings Compile(
        ImmutableDictionary<string, string> requestParameters,
        ImmutableDictionary<string, ImmutableDictionary<string, string>> responseParameters,
        string location,
        DiagnosticBag diagnostics)
    {
        var headers = new List<HeaderMapping>();
        var query = new List<HeaderMapping>();
        MappingValue? path = null;
        foreach (var (key, text) in requestParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var where = $"request parameter '{key}'";
            if (Value(text, location, where, diagnostics) is not { } value)
            {
                continue;
            }
            if (value.ReadsResponse)
            {
                diagnostics.Error(location, $"{where}: '{text}' reads the response, which a request mapping cannot.");
                continue;
            }
            if (key == "overwrite:path")
            {
                path = value;
                continue;
            }
            if (!TrySplit(key, out var operation, out var target, out var name))
            {
                diagnostics.Error(location, $"{where} is not append|overwrite|remove:header.name, append|overwrite|remove:querystring.name or overwrite:path.");
                continue;
            }
            switch (target)
            {
                case "header" when CheckHeader(name, location, where, diagnostics):
                    headers.Add(new HeaderMapping(operation, name, value));
                    break;
                case "querystring":
                    query.Add(new HeaderMapping(operation, name, value));
                    break;
                case "header":
                    break;
                default:
                    diagnostics.Error(location, $"{where}: request parameters map header.name, querystring.name or path, not '{target}'.");
                    break;
            }
        }

        var responses = new Dictionary<int, ResponseMappings>();
        foreach (var (statusText, mappings) in responseParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 200 || status > 599 || statusText.Length != 3)
            {
                diagnostics.Error(location, $"response parameters '{statusText}': keys are backend status codes from 200 to 599.");
                continue;
            }
            if (CompileResponse(mappings, location, $"response parameters '{statusText}'", diagnostics) is { } compiled)
            {
                responses[status] = compiled;
            }
        }
        return new HttpApiMappings { RequestHeaders = [.. headers], QueryString = [.. query], Path = path, Responses = responses };
    }

    private static ResponseMappings? CompileResponse(ImmutableDictionary<string, string> mappings, string location, string at, DiagnosticBag diagnostics)
    {
        var headers = new List<HeaderMapping>();
        MappingValue? status = null;
        foreach (var (key, text) in mappings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var where = $"{at}, '{key}'";
            if (Value(text, location, where, diagnostics) is not { } value)
            {
                continue;
            }
            if (key == "overwrite:statuscode")
            {
                if (value.StaticText is { } fixedStatus && !IsStatusCode(fixedStatus))
                {
                    diagnostics.Error(location, $"{where}: '{fixedStatus}' is not a status code from 100 to 599.");
                    continue;
                }
                status = value;
                continue;
            }
            if (!TrySplit(key, out var operation, out var target, out var name) || target != "header")
            {
                diagnostics.Error(location, $"{where}: response parameters are append|overwrite|remove:header.name or overwrite:statuscode.");
                continue;
            }
            if (CheckHeader(name, location, where, diagnostics))
            {
                headers.Add(new HeaderMapping(operation, name, value));
            }
        }
        return headers.Count == 0 && status is null ? null : new ResponseMappings([.. headers], status);
    }

    internal static bool IsStatusCode(string text) =>
        text.Length == 3 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599;

    private static MappingValue? Value(string text, string location, string where, DiagnosticBag diagnostics)
    {
        if (MappingValue.Parse(text, out var error) is { } value)
        {
            return value;
        }
        diagnostics.Error(location, $"{where}: {error}.");
        return null;
    }

    private static bool TrySplit(string key, out MappingOperation operation, out string target, out string name)
    {
        operation = default;
        target = name = "";
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var dot = colon < 0 ? -1 : key.IndexOf('.', colon);
        if (colon < 0 || dot < 0 || dot == key.Length - 1)
        {
            return false;
        }
        switch (key[..colon])
        {
            case "append":
                operation = MappingOperation.Append;
                break;
            case "overwrite":
                operation = MappingOperation.Overwrite;
                break;
            case "remove":
                operation = MappingOperation.Remove;
                break;
            default:
                return false;
        }
        target = key[(colon + 1)..dot];
        name = key[(dot + 1)..];
        return true;
    }

    private static bool CheckHeader(string name, string location, string where, DiagnosticBag diagnostics)
    {
        var lower = name.ToLowerInvariant();
        var reserved = Array.IndexOf(ReservedHeaders, lower) >= 0;
        foreach (var prefix in ReservedPrefixes)
        {
            reserved |= lower.StartsWith(prefix, StringComparison.Ordinal);
        }
        if (reserved)
        {
            diagnostics.Error(location, $"{where}: '{name}' is a reserved header that HTTP APIs do not let mappings change.");
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-.^_`|~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                diagnostics.Error(location, $"{where}: '{name}' is not a header name.");
                return false;
            }
        }
        return true;
    }
}
