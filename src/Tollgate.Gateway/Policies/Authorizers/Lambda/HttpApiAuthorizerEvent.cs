using System.Buffers;
using System.Text.Json;
using Tollgate.Gateway.Integrations.Lambda;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>
/// The input of an HTTP API Lambda authorizer with payload format 2.0, as the developer guide
/// documents it (http-api-lambda-authorizer.md): <c>version</c>, <c>type</c> <c>REQUEST</c>,
/// <c>routeArn</c>, <c>identitySource</c> (the values, in the authorizer's order), then the request
/// as the 2.0 Lambda proxy event gives it (<c>routeKey</c>, <c>rawPath</c>, <c>rawQueryString</c>,
/// <c>cookies</c>, <c>headers</c>, <c>queryStringParameters</c>, <c>requestContext</c>,
/// <c>pathParameters</c>, <c>stageVariables</c>), without the body.
/// </summary>
internal static class HttpApiAuthorizerEvent
{
    public static byte[] V2(RequestContext context, string routeArn, string[] identitySource)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("type", "REQUEST");
            json.WriteString("routeArn", routeArn);
            json.WriteStartArray("identitySource");
            foreach (var value in identitySource)
            {
                json.WriteStringValue(value);
            }
            json.WriteEndArray();
            ProxyEventV2.WriteRequest(json, context, context.Path, context.AccountId);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
