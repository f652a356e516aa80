using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Cors;

/// <summary>
/// An HTTP API's CORS configuration, compiled once per snapshot. It answers preflight requests that
/// no route takes, and puts the CORS headers on every other response of the API (integration
/// responses, proxied ones and the gateway's own errors alike) in place of any the backend sent,
/// as API Gateway does.
/// </summary>
internal sealed class CorsRules : ICorsRules
{
    private const string AllowOrigin = "Access-Control-Allow-Origin";
    private const string AllowCredentials = "Access-Control-Allow-Credentials";
    private const string ExposeHeaders = "Access-Control-Expose-Headers";
    private const string AllowMethods = "Access-Control-Allow-Methods";
    private const string AllowHeaders = "Access-Control-Allow-Headers";
    private const string MaxAge = "Access-Control-Max-Age";
    private const string RequestMethod = "Access-Control-Request-Method";
    private const string RequestHeaders = "Access-Control-Request-Headers";

    private readonly bool _anyOrigin;
    private readonly string[] _origins;
    private readonly (string Prefix, string Suffix)[] _originPatterns;
    private readonly bool _anyMethod;
    private readonly string[] _methods;
    private readonly string? _methodsValue;
    private readonly bool _anyHeader;
    private readonly string[] _headers;
    private readonly string? _headersValue;
    private readonly string? _exposeValue;
    private readonly string? _maxAgeValue;
    private readonly bool _credentials;

    public CorsRules(string[] origins, string[] methods, string[] headers, string[] expose, int? maxAge, bool credentials)
    {
        var exact = new List<string>();
        var patterns = new List<(string, string)>();
        foreach (var origin in origins)
        {
            var star = origin.IndexOf('*', StringComparison.Ordinal);
            if (origin == "*")
            {
                _anyOrigin = true;
            }
            else if (star >= 0)
            {
                patterns.Add((origin[..star], origin[(star + 1)..]));
            }
            else
            {
                exact.Add(origin);
            }
        }
        _origins = [.. exact];
        _originPatterns = [.. patterns];
        _anyMethod = Array.IndexOf(methods, "*") >= 0;
        _methods = [.. methods.Where(m => m != "*").Select(m => m.ToUpperInvariant())];
        _methodsValue = _methods.Length == 0 ? null : string.Join(',', _methods);
        _anyHeader = Array.IndexOf(headers, "*") >= 0;
        _headers = [.. headers.Where(h => h != "*")];
        _headersValue = _headers.Length == 0 ? null : string.Join(',', _headers);
        _exposeValue = expose.Length == 0 ? null : string.Join(',', expose);
        _maxAgeValue = maxAge?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _credentials = credentials;
    }

    /// <summary>A CORS preflight: <c>OPTIONS</c> with <c>Origin</c> and <c>Access-Control-Request-Method</c>.</summary>
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
        && request.Headers.Origin.Count > 0
        && request.Headers.ContainsKey(RequestMethod);

    /// <summary>
    /// Answers a preflight that no route took: 204 with the CORS headers when the origin, the
    /// requested method and every requested header are allowed; 204 without them otherwise, so that
    /// the browser refuses the request. False when the request is not a preflight.
    /// </summary>
    public bool TryAnswerPreflight(HttpContext http)
    {
        var request = http.Request;
        if (!IsPreflight(request))
        {
            return false;
        }
        var response = http.Response;
        response.StatusCode = StatusCodes.Status204NoContent;
        var origin = request.Headers.Origin.ToString();
        var method = request.Headers[RequestMethod].ToString().Trim();
        var requested = request.Headers[RequestHeaders];
        if (!IsOriginAllowed(origin) || !IsMethodAllowed(method) || !AreHeadersAllowed(requested))
        {
            return true;
        }
        var headers = response.Headers;
        SetOrigin(headers, origin);
        if (_credentials)
        {
            headers[AllowCredentials] = "true";
        }
        headers[AllowMethods] = _anyMethod || _methodsValue is null ? method : _methodsValue;
        if (_anyHeader && requested.Count > 0)
        {
            headers[AllowHeaders] = requested.ToString();
        }
        else if (_headersValue is not null)
        {
            headers[AllowHeaders] = _headersValue;
        }
        if (_maxAgeValue is not null)
        {
            headers[MaxAge] = _maxAgeValue;
        }
        return true;
    }

    /// <summary>The response phase: the API's CORS headers on the response just before it starts, whatever writes it.</summary>
    public void OnResponseStarting(RequestContext context) => ApplyToResponse(context.Http);

    /// <summary>Replaces the backend's CORS headers with the API's: the origin, credentials and exposed headers for an allowed origin.</summary>
    internal void ApplyToResponse(HttpContext http)
    {
        var headers = http.Response.Headers;
        RemoveCorsHeaders(headers);
        var origin = http.Request.Headers.Origin;
        if (origin.Count == 0 || !IsOriginAllowed(origin.ToString()))
        {
            return;
        }
        SetOrigin(headers, origin.ToString());
        if (_credentials)
        {
            headers[AllowCredentials] = "true";
        }
        if (_exposeValue is not null)
        {
            headers[ExposeHeaders] = _exposeValue;
        }
    }

    internal bool IsOriginAllowed(string origin)
    {
        if (origin.Length == 0)
        {
            return false;
        }
        if (_anyOrigin)
        {
            return true;
        }
        foreach (var allowed in _origins)
        {
            if (string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        foreach (var (prefix, suffix) in _originPatterns)
        {
            if (origin.Length > prefix.Length + suffix.Length
                && origin.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && origin.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsMethodAllowed(string method)
    {
        if (method.Length == 0)
        {
            return false;
        }
        if (_anyMethod)
        {
            return true;
        }
        foreach (var allowed in _methods)
        {
            if (string.Equals(allowed, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private bool AreHeadersAllowed(StringValues requested)
    {
        if (_anyHeader || requested.Count == 0)
        {
            return true;
        }
        foreach (var value in requested)
        {
            foreach (var range in (value ?? "").AsSpan().Split(','))
            {
                var name = (value ?? "").AsSpan()[range].Trim();
                if (name.Length > 0 && !IsHeaderListed(name))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private bool IsHeaderListed(ReadOnlySpan<char> name)
    {
        foreach (var allowed in _headers)
        {
            if (name.Equals(allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private void SetOrigin(IHeaderDictionary headers, string origin)
    {
        // "*" only when any origin is allowed without credentials; otherwise the origin itself, which
        // makes the response depend on the Origin header (Vary).
        if (_anyOrigin && !_credentials)
        {
            headers[AllowOrigin] = "*";
            return;
        }
        headers[AllowOrigin] = origin;
        headers.Vary = headers.Vary.Count == 0 ? "Origin" : StringValues.Concat(headers.Vary, "Origin");
    }

    private static void RemoveCorsHeaders(IHeaderDictionary headers)
    {
        headers.Remove(AllowOrigin);
        headers.Remove(AllowCredentials);
        headers.Remove(ExposeHeaders);
        headers.Remove(AllowMethods);
        headers.Remove(AllowHeaders);
        headers.Remove(MaxAge);
    }
}
