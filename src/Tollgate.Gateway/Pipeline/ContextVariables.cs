using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// The one catalogue of <c>$context</c> variables: each name and how to read it from a
/// <see cref="RequestContext"/>. Templates, parameter mappings, Lambda events and access logs all
/// read through it; an access-log format looks its variables up once, when the config is compiled.
/// A reader gives null when the request has no value (an access log writes <c>-</c>).
/// </summary>
internal static class ContextVariables
{
    // AWS writes messages as plain JSON strings: quotes and '<' stay as they are (only what JSON requires is escaped).
    private static readonly JsonSerializerOptions MessageJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly FrozenDictionary<string, Func<RequestContext, string?>> Fixed = new Dictionary<string, Func<RequestContext, string?>>(StringComparer.Ordinal)
    {
        ["requestId"] = c => c.RequestId,
        ["extendedRequestId"] = c => c.ExtendedRequestId,
        ["accountId"] = c => c.AccountId,
        ["apiId"] = c => c.Stage?.Api.Id,
        ["stage"] = c => c.Stage?.StageName,
        ["deploymentId"] = c => c.Stage?.DeploymentId,
        ["resourcePath"] = c => c.Method?.ResourcePath,
        ["routeKey"] = c => c.RouteKey,
        ["resourceId"] = c => c.Method?.ResourceId,
        ["httpMethod"] = c => c.HttpMethod,
        ["path"] = c => c.Http.Request.Path.Value,
        ["protocol"] = c => c.Http.Request.Protocol,
        ["requestTime"] = c => c.RequestTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
        ["requestTimeEpoch"] = c => c.RequestTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        ["domainName"] = c => c.DomainName ?? c.Http.Request.Host.Host,
        ["domainPrefix"] = c => DomainPrefix(c.DomainName ?? c.Http.Request.Host.Host),
        ["identity.sourceIp"] = c => c.SourceIp,
        ["identity.userAgent"] = c => c.Http.Request.Headers.UserAgent.ToString(),
        ["identity.apiKey"] = c => c.ApiKey ?? "",
        ["identity.apiKeyId"] = c => c.ApiKeyId ?? "",
        ["identity.userArn"] = c => c.Caller?.UserArn,
        ["identity.user"] = c => c.Caller?.User,
        ["identity.caller"] = c => c.Caller?.User,
        ["identity.accessKey"] = c => c.Caller?.AccessKey,
        ["identity.accountId"] = c => c.Caller?.AccountId,
        ["error.message"] = c => c.Error?.Message ?? "",
        ["error.messageString"] = c => c.Error is { MessageIsNull: true } ? "null" : JsonSerializer.Serialize(c.Error?.Message ?? "", MessageJson),
        ["error.responseType"] = c => c.Error is null ? "" : c.Error.Type.ToString(),
        ["error.validationErrorString"] = c => c.ValidationErrorString ?? "",
        ["integration.status"] = IntegrationStatus,
        ["integrationStatus"] = IntegrationStatus,
        ["integration.integrationStatus"] = IntegrationStatus,
        ["integration.error"] = c => c.IntegrationError ?? "",
        ["integration.latency"] = IntegrationLatency,
        ["integrationLatency"] = IntegrationLatency,
        // Known once the response is complete: read by access logs.
        ["status"] = c => c.Status?.ToString(CultureInfo.InvariantCulture),
        ["responseLength"] = c => c.ResponseLength?.ToString(CultureInfo.InvariantCulture),
        ["responseLatency"] = c => c.ResponseLatencyMs < 0 ? null : c.ResponseLatencyMs.ToString(CultureInfo.InvariantCulture),
        ["authorizer.error"] = c => c.AuthorizerError ?? c.AuthorizerVariable("error"),
        ["authorizer.latency"] = c => c.AuthorizerLatencyMs < 0 ? null : c.AuthorizerLatencyMs.ToString(CultureInfo.InvariantCulture),
        ["authorizer.status"] = c => c.AuthorizerStatus?.ToString(CultureInfo.InvariantCulture),
        ["xrayTraceId"] = c => c.Activity is { } activity ? Observability.Tracing.XrayTraceId(activity.TraceId) : null,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Variables AWS defines that this gateway has no value for yet (WAF, X-Ray, mTLS, Cognito
    /// identities, ...): a format may name them, as it may in AWS, and they read as absent.
    /// </summary>
    private static readonly FrozenSet<string> Absent = new[]
    {
        "authorizer.integrationLatency", "authorizer.integrationStatus",
        "authorizer.requestId", "authenticate.error", "authenticate.latency", "authenticate.status",
        "authorize.error", "authorize.latency", "authorize.status", "customDomain.basePathMatched",
        "identity.principalOrgId", "identity.cognitoAuthenticationProvider", "identity.cognitoAuthenticationType",
        "identity.cognitoIdentityId", "identity.cognitoIdentityPoolId", "identity.vpceId", "identity.vpcId",
        "integration.requestId", "waf.error", "waf.latency", "waf.status", "wafResponseCode", "webaclArn",
        "dataProcessed", "responseOverride.status", "requestOverride.path",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The reader of a variable named without its <c>context.</c> prefix (<c>requestId</c>,
    /// <c>identity.sourceIp</c>, <c>authorizer.claims.sub</c>); null when AWS defines no such variable.
    /// </summary>
    public static Func<RequestContext, string?>? Reader(string name)
    {
        if (Fixed.TryGetValue(name, out var reader))
        {
            return reader;
        }
        if (Absent.Contains(name) || name.StartsWith("identity.clientCert.", StringComparison.Ordinal))
        {
            return static _ => null;
        }
        const string Authorizer = "authorizer.";
        if (name.StartsWith(Authorizer, StringComparison.Ordinal) && name.Length > Authorizer.Length)
        {
            var key = name[Authorizer.Length..];
            return c => c.AuthorizerVariable(key);
        }
        return null;
    }

    /// <summary>The value of a variable for a request; false when it has none or the name is unknown.</summary>
    public static bool TryGet(RequestContext context, string name, out string value)
    {
        string? result = null;
        if (Fixed.TryGetValue(name, out var reader))
        {
            result = reader(context);
        }
        else if (name.StartsWith("authorizer.", StringComparison.Ordinal))
        {
            result = context.AuthorizerVariable(name.AsSpan("authorizer.".Length));
        }
        value = result ?? "";
        return result is not null;
    }

    private static string? IntegrationStatus(RequestContext c) => c.IntegrationStatus?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string? IntegrationLatency(RequestContext c) =>
        c.IntegrationLatencyMs < 0 ? "" : c.IntegrationLatencyMs.ToString(CultureInfo.InvariantCulture);

    private static string DomainPrefix(string host)
    {
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? host : host[..dot];
    }
}
