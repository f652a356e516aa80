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
            var request = context.Http.Request;
            var routeKey = RouteKey(context);
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("routeKey", routeKey);
            json.WriteString("rawPath", input.FullPath);
            var rawQuery = request.QueryString.Value;
            json.WriteString("rawQueryString", string.IsNullOrEmpty(rawQuery) ? "" : rawQuery[1..]);
            WriteCookies(json, request.Headers.Cookie);
            ProxyEventParts.WriteHeaders(json, request.Headers, lowerCase: true, multiValue: false, skip: "Cookie");
            ProxyEventParts.WriteQuery(json, request.Query, "queryStringParameters", multiValue: false, joinWithCommas: true);

            json.WriteStartObject("requestContext");
            json.WriteString("accountId", input.AccountId);
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
            json.WriteString("path", input.FullPath);
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
            ProxyEventParts.WriteBody(json, input, omitWhenEmpty: true);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>METHOD /path</c> of the matched route, or <c>$default</c>.</summary>
    public static string RouteKey(RequestContext context)
    {
        var method = context.Method;
        if (method is null || method.ResourcePath == "$default")
        {
            return "$default";
        }
        return method.Model.HttpMethod + " " + method.ResourcePath;
    }

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
