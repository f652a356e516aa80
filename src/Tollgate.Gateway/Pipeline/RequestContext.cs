using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// Everything the gateway knows about one request: the <c>$context</c> variables read by
/// templates, parameter mappings, access logs and integrations alike (DESIGN.md, principle 5).
/// One instance per request, filled in as the request moves through the pipeline.
/// </summary>
internal sealed partial class RequestContext
{
    private string[]? _decodedPathValues;

    public RequestContext(HttpContext http, string requestId, DateTimeOffset requestTime, long startTimestamp)
    {
        Http = http;
        RequestId = requestId;
        RequestTime = requestTime;
        StartTimestamp = startTimestamp;
    }

    public HttpContext Http { get; }

    /// <summary><c>$context.requestId</c>: a UUID, also sent as <c>x-amzn-RequestId</c>.</summary>
    public string RequestId { get; }

    /// <summary><c>$context.extendedRequestId</c>, also sent as <c>x-amz-apigw-id</c>.</summary>
    public string ExtendedRequestId => RequestId;

    public DateTimeOffset RequestTime { get; }

    /// <summary>
    /// <c>X-Amzn-Trace-Id</c> of this request: when it is traced, its trace naming the server span;
    /// else the client's when it sent a well-formed one, else a new <c>Root=1-{8 hex}-{24 hex}</c>
    /// (<see cref="TraceIds"/>); made on first use only.
    /// </summary>
    public string TraceId => _traceId ??= Activity is { } traced
        ? Observability.Tracing.XrayHeaderValue(traced)
        : TraceIds.For(Http.Request, RequestTime);

    private string? _traceId;

    public long StartTimestamp { get; }

    /// <summary>The stage serving the request; null until routing found one.</summary>
    public CompiledStage? Stage { get; set; }

    /// <summary>The matched method; null until routing found one.</summary>
    public CompiledMethod? Method { get; set; }

    /// <summary>
    /// The request's path as routed: percent-encoded as the client sent it, dot-segments resolved
    /// (<see cref="Paths.RequestPath"/>), without the query.
    /// </summary>
    public string Path { get; set; } = "/";

    /// <summary>The path after the stage or base path, starting with <c>/</c>.</summary>
    public string ResourceRelativePath { get; set; } = "/";

    /// <summary>Path parameter values as the client sent them (percent-encoded), in the order of <see cref="CompiledMethod.PathParameterNames"/>.</summary>
    public string[] PathParameterRawValues { get; set; } = [];

    /// <summary>The custom domain the request came in on, if any.</summary>
    public string? DomainName { get; set; }

    /// <summary><c>$context.identity.apiKey</c>: the API key value of a method that requires one, once accepted.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>$context.identity.apiKeyId</c>: the accepted API key's id.</summary>
    public string? ApiKeyId { get; set; }

    /// <summary>
    /// The <c>usageIdentifierKey</c> a Lambda authorizer returned: the API key of an API whose key
    /// source is <c>AUTHORIZER</c>. Set by the authorizer, read by the API key policy.
    /// </summary>
    public string? UsageIdentifierKey { get; set; }

    /// <summary>The accepted key's usage plan on this stage; set by the API key policy, read by throttling.</summary>
    public Storage.StagePlan? UsagePlan { get; set; }

    /// <summary>Why the gateway answers itself; set when a policy or integration fails.</summary>
    public GatewayError? Error { get; set; }

    public string? ValidationErrorString { get; set; }

    public int? IntegrationStatus { get; set; }

    public string? IntegrationError { get; set; }

    /// <summary>
    /// What the request template set under <c>$context.requestOverride</c> and
    /// <c>$context.responseOverride</c>: the response template of the same request sees it, and
    /// the response applies its status and headers (as API Gateway does). Null when none was set.
    /// </summary>
    public CarriedOverrides? TemplateOverrides { get; set; }

    public long IntegrationLatencyMs { get; set; } = -1;

    /// <summary><c>$context.status</c>: the status sent to the client; set when the request completes.</summary>
    public int? Status { get; set; }

    /// <summary><c>$context.responseLength</c>: the response body's length in bytes; set when the request completes, null when unknown.</summary>
    public long? ResponseLength { get; set; }

    /// <summary>Counts the body bytes sent when the stage keeps an access log; null otherwise.</summary>
    public Observability.CountingResponseBody? ResponseBody { get; set; }

    /// <summary><c>$context.responseLatency</c>: milliseconds from receiving the request to completing it; -1 until then.</summary>
    public long ResponseLatencyMs { get; set; } = -1;

    /// <summary>The request's server span while a stage with <c>tracingEnabled</c> is traced; null otherwise.</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

    /// <summary><c>$context.authorizer.latency</c>: milliseconds the method's authorizer took; -1 when it did not run.</summary>
    public long AuthorizerLatencyMs { get; set; } = -1;

    /// <summary><c>$context.authorizer.status</c>: 200 when the authorizer let the caller in, else its refusal's status; null when it did not run.</summary>
    public int? AuthorizerStatus { get; set; }

    /// <summary><c>$context.authorizer.error</c>: why the method's authorizer refused the caller; null when it did not.</summary>
    public string? AuthorizerError { get; set; }

    /// <summary>
    /// The request body once a stage had to read it (validation, mapping templates, Lambda
    /// events); later stages use this copy instead of reading the stream again. Null: not read.
    /// </summary>
    public RequestBody? Body { get; set; }

    public string HttpMethod => Http.Request.Method;

    /// <summary>The client's address as text (empty when unknown), made once per request.</summary>
    public string SourceIp => _sourceIp ??= AddressText(Http.Connection.RemoteIpAddress);

    private string? _sourceIp;

    private static LastAddress? _lastAddress;

    private sealed record LastAddress(System.Net.IPAddress Address, string Text);

    /// <summary>
    /// An address as text. The last one is remembered process-wide: a client sends many
    /// requests, and on a connection from a proxy or load balancer every request has the same.
    /// </summary>
    private static string AddressText(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        var last = _lastAddress;
        if (last is not null && last.Address.Equals(address))
        {
            return last.Text;
        }
        var text = address.ToString();
        _lastAddress = new LastAddress(address, text);
        return text;
    }

    private string? _rawPath;
    private string? _rawQuery;

    /// <summary>The path as the client sent it (still percent-encoded, dot-segments not resolved), without the query; split once.</summary>
    public string RawPath
    {
        get
        {
            if (_rawPath is null)
            {
                SplitTarget();
            }
            return _rawPath!;
        }
    }

    /// <summary>The query string as the client sent it, without the <c>?</c>; empty when there is none.</summary>
    public string RawQuery
    {
        get
        {
            if (_rawQuery is null)
            {
                SplitTarget();
            }
            return _rawQuery!;
        }
    }

    /// <summary>Splits the request target (origin form) once; from the parsed path when there is no raw target.</summary>
    private void SplitTarget()
    {
        var raw = Http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/')
        {
            var q = raw.IndexOf('?', StringComparison.Ordinal);
            _rawPath = q < 0 ? raw : raw[..q];
            _rawQuery = q < 0 ? "" : raw[(q + 1)..];
            return;
        }
        var request = Http.Request;
        _rawPath = request.PathBase.Add(request.Path).ToUriComponent();
        _rawQuery = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
    }

    /// <summary>A path parameter's value, percent-decoded (decoded once, on first use).</summary>
    public string? GetPathParameter(string name)
    {
        var i = PathParameterIndex(name);
        if (i < 0)
        {
            return null;
        }
        _decodedPathValues ??= new string[PathParameterRawValues.Length];
        return _decodedPathValues[i] ??= Uri.UnescapeDataString(PathParameterRawValues[i]);
    }

    /// <summary>A path parameter's value as the client sent it (still percent-encoded).</summary>
    public string? GetRawPathParameter(string name)
    {
        var i = PathParameterIndex(name);
        return i < 0 ? null : PathParameterRawValues[i];
    }

    private int PathParameterIndex(string name)
    {
        var names = Method?.PathParameterNames;
        if (names is null)
        {
            return -1;
        }
        for (var i = 0; i < names.Length && i < PathParameterRawValues.Length; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// <c>$context.routeKey</c> (HTTP APIs): <c>METHOD /path</c> of the matched route, or
    /// <c>$default</c>. AWS suggests it as an identity source to cache authorizer results per route.
    /// </summary>
    public string RouteKey => Method is not { } method || method.ResourcePath == "$default"
        ? "$default"
        : method.Model.HttpMethod + " " + method.ResourcePath;

    public string? GetStageVariable(string name) =>
        Stage is { } stage && stage.Variables.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Looks up a <c>$context</c> variable by its name without the <c>context.</c> prefix,
    /// e.g. <c>requestId</c> or <c>identity.sourceIp</c> (<see cref="ContextVariables"/>). Unknown
    /// names, and variables this request has no value for, give false.
    /// </summary>
    public bool TryGetVariable(string name, out string value) => ContextVariables.TryGet(this, name, out value);
}
