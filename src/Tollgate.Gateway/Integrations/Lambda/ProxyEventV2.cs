using System.Buffers;
using System.Text.Json;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// The Lambda proxy event, payload format 2.0 (HTTP APIs): <c>rawPath</c> and
/// <c>rawQueryString</c> as sent, <c>cookies</c> split out of the Cookie header, header names
/// lower-cased with repeated values joined by commas, repeated query values joined by commas,
/// and a request context with <c>http</c>, <c>routeKey</c>, <c>time</c> and <c>timeEpoch</c>.
/// </summary>
internal static class ProxyEventV2
{
    public static byte[] Write(RequestContext context, ProxyEventInput input)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + input.Body.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            WriteRequest(json, context, input.FullPath, input.AccountId);
            ProxyEventParts.WriteBody(json, input, omitWhenEmpty: true);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The request as payload 2.0 describes it, which HTTP API Lambda authorizers (format 2.0) get
    /// too: <c>routeKey</c>, <c>rawPath</c>, <c>rawQueryString</c>, <c>cookies</c>, <c>headers</c>,
    /// <c>queryStringParameters</c>, <c>requestContext</c>, <c>pathParameters</c>, <c>stageVariables</c>.
    /// </summary>
    public static void WriteRequest(Utf8JsonWriter json, RequestContext context, string rawPath, string accountId)
    {
        var request = context.Http.Request;
        var routeKey = RouteKey(context);
        json.WriteString("routeKey", routeKey);
        json.WriteString("rawPath", rawPath);
        var rawQuery = request.QueryString.Value;
        json.WriteString("rawQueryString", string.IsNullOrEmpty(rawQuery) ? "" : rawQuery[1..]);
        WriteCookies(json, request.Headers.Cookie);
        ProxyEventParts.WriteV2Headers(json, request.Headers, skip: "Cookie");
        ProxyEventParts.WriteQuery(json, request.Query, "queryStringParameters", multiValue: false, joinWithCommas: true);

        json.WriteStartObject("requestContext");
        json.WriteString("accountId", accountId);
        json.WriteString("apiId", context.Stage?.Api.Id);
        if (context.Authorizer is { } authorizer)
        {
            json.WritePropertyName("authorizer");
            ProxyEventParts.WriteValue(json, authorizer.ToEventObject(payloadV2: true));
        }
        context.TryGetVariable("domainName", out var domainName);
        context.TryGetVariable("domainPrefix", out var domainPrefix);
        json.WriteString("domainName", domainName);
        json.WriteString("domainPrefix", domainPrefix);
        json.WriteStartObject("http");
        json.WriteString("method", request.Method);
        json.WriteString("path", rawPath);
        json.WriteString("protocol", request.Protocol);
        json.WriteString("sourceIp", context.SourceIp);
        json.WriteString("userAgent", request.Headers.UserAgent.ToString());
        json.WriteEndObject();
        json.WriteString("requestId", context.RequestId);
        json.WriteString("routeKey", routeKey);
        json.WriteString("stage", context.Stage?.StageName);
        context.TryGetVariable("requestTime", out var time);
        json.WriteString("time", time);
        json.WriteNumber("timeEpoch", context.RequestTime.ToUnixTimeMilliseconds());
        json.WriteEndObject();

        ProxyEventParts.WritePathParameters(json, context, nullWhenNone: false);
        ProxyEventParts.WriteStageVariables(json, context, nullWhenNone: false);
    }

    /// <summary><c>METHOD /path</c> of the matched route, or <c>$default</c>.</summary>
    public static string RouteKey(RequestContext context) => context.RouteKey;

    private static void WriteCookies(Utf8JsonWriter json, Microsoft.Extensions.Primitives.StringValues cookies)
    {
        if (cookies.Count == 0)
        {
            return;
        }
        json.WriteStartArray("cookies");
        foreach (var header in cookies)
        {
            if (header is null)
            {
                continue;
            }
            foreach (var cookie in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                json.WriteStringValue(cookie);
            }
        }
        json.WriteEndArray();
    }
}
