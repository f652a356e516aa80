using System.Text;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Responses;

/// <summary>
/// How HTTP APIs (v2) answer when the gateway itself fails a request. They have no customisable
/// gateway responses: the body is always <c>{"message":"..."}</c> with the status's reason phrase,
/// and there is no <c>x-amzn-ErrorType</c> header. For example an unknown route is 404
/// <c>{"message":"Not Found"}</c>, an integration timeout 503 <c>{"message":"Service Unavailable"}</c>
/// and any server-side failure 500 <c>{"message":"Internal Server Error"}</c>.
/// </summary>
internal static class HttpApiErrors
{
    private static readonly (int Status, byte[] Body)[] Entries = Build();

    public static (int Status, byte[] Body) For(GatewayResponseType type) => Entries[(int)type];

    private static readonly byte[] ServiceUnavailable = Encoding.UTF8.GetBytes("{\"message\":\"Service Unavailable\"}");

    public static Task WriteAsync(RequestContext context)
    {
        // An error that names 503 itself (a backend at its cap) keeps it; the others answer their type's status.
        var (status, body) = context.Error is { StatusCode: StatusCodes.Status503ServiceUnavailable }
            ? (StatusCodes.Status503ServiceUnavailable, ServiceUnavailable)
            : For(context.Error?.Type ?? GatewayResponseType.DEFAULT_5XX);
        var response = context.Http.Response;
        response.StatusCode = status;
        response.Headers.Remove("x-amzn-RequestId");
        response.Headers.Remove("x-amz-apigw-id");
        response.Headers["apigw-requestid"] = context.RequestId;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.HttpMethod) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private static (int, byte[])[] Build()
    {
        var values = Enum.GetValues<GatewayResponseType>();
        var entries = new (int, byte[])[values.Length];
        foreach (var type in values)
        {
            var status = type switch
            {
                GatewayResponseType.RESOURCE_NOT_FOUND => 404,
                GatewayResponseType.UNAUTHORIZED => 401,
                GatewayResponseType.ACCESS_DENIED or GatewayResponseType.MISSING_AUTHENTICATION_TOKEN or
                    GatewayResponseType.INVALID_SIGNATURE or GatewayResponseType.EXPIRED_TOKEN or
                    GatewayResponseType.INVALID_API_KEY or GatewayResponseType.WAF_FILTERED => 403,
                GatewayResponseType.THROTTLED or GatewayResponseType.QUOTA_EXCEEDED => 429,
                GatewayResponseType.REQUEST_TOO_LARGE => 413,
                GatewayResponseType.UNSUPPORTED_MEDIA_TYPE => 415,
                GatewayResponseType.INTEGRATION_TIMEOUT => 503,
                _ => GatewayResponseCatalog.Get(type).StatusCode >= 500 ? 500 : 400,
            };
            var message = status switch
            {
                400 => "Bad Request",
                401 => "Unauthorized",
                403 => "Forbidden",
                404 => "Not Found",
                413 => "Request Entity Too Large",
                415 => "Unsupported Media Type",
                429 => "Too Many Requests",
                503 => "Service Unavailable",
                _ => "Internal Server Error",
            };
            entries[(int)type] = (status, Encoding.UTF8.GetBytes("{\"message\":\"" + message + "\"}"));
        }
        return entries;
    }
}
