using System.Buffers;
using System.Text.Json;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// The Lambda proxy event, payload format 1.0 (REST APIs, and HTTP APIs that ask for 1.0), as
/// the AWS developer guide's "Input format of a Lambda function for proxy integration" shows
/// it: single- and multi-value headers and query parameters, path parameters, stage
/// variables, the request context with identity and authorizer, and the body (base64 for
/// binary media types). As recordings of real AWS show (issue 19), a REST API's event has no
/// top-level <c>version</c> (an HTTP API's 1.0 event has), carries
/// <c>requestContext.deploymentId</c>, and its identity has <c>apiKey</c>/<c>apiKeyId</c> only
/// when a key was used and <c>clientCert</c> only with mutual TLS (which Tollgate does not
/// terminate for APIs, so never); its <c>path</c> and <c>pathParameters</c> keep the client's
/// percent-encoding.
/// </summary>
internal static class ProxyEventV1
{
    private static readonly string[] IdentityFields =
    [
        "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "principalOrgId", "accessKey",
        "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "user",
    ];

    public static byte[] Write(RequestContext context, ProxyEventInput input)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + input.Body.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            var request = context.Http.Request;
            var httpApi = context.Api?.Profile.HttpApiPayload10 == true;
            json.WriteStartObject();
            if (httpApi)
            {
                json.WriteString("version", "1.0");
            }
            json.WriteString("resource", context.Method?.ResourcePath);
            json.WriteString("path", input.Path);
            json.WriteString("httpMethod", request.Method);
            ProxyEventParts.WriteV1Headers(json, context, multiValue: false);
            ProxyEventParts.WriteV1Headers(json, context, multiValue: true);
            ProxyEventParts.WriteQuery(json, request.Query, "queryStringParameters", multiValue: false, joinWithCommas: false);
            ProxyEventParts.WriteQuery(json, request.Query, "multiValueQueryStringParameters", multiValue: true, joinWithCommas: false);
            ProxyEventParts.WritePathParameters(json, context, nullWhenNone: true, raw: !httpApi);
            ProxyEventParts.WriteStageVariables(json, context, nullWhenNone: true);

            json.WriteStartObject("requestContext");
            json.WriteString("accountId", input.AccountId);
            json.WriteString("apiId", context.Stage?.Api.Id);
            if (context.Authorizer is { } authorizer)
            {
                json.WritePropertyName("authorizer");
                ProxyEventParts.WriteValue(json, authorizer.ToEventObject(payloadV2: false));
            }
            if (!httpApi)
            {
                json.WriteString("deploymentId", context.Stage?.DeploymentId);
            }
            Variable(json, context, "domainName");
            Variable(json, context, "domainPrefix");
            json.WriteString("extendedRequestId", context.ExtendedRequestId);
            json.WriteString("httpMethod", request.Method);
            json.WriteStartObject("identity");
            foreach (var field in IdentityFields)
            {
                json.WritePropertyName(field);
                if (context.TryGetVariable("identity." + field, out var value) && value.Length > 0)
                {
                    json.WriteStringValue(value);
                }
                else
                {
                    json.WriteNullValue();
                }
            }
            json.WriteString("sourceIp", context.SourceIp);
            json.WriteString("userAgent", request.Headers.UserAgent.ToString());
            if (context.ApiKey is not null)
            {
                json.WriteString("apiKey", context.ApiKey);
                json.WriteString("apiKeyId", context.ApiKeyId);
            }
            json.WriteEndObject();
            json.WriteString("path", input.FullPath);
            json.WriteString("protocol", request.Protocol);
            json.WriteString("requestId", context.RequestId);
            Variable(json, context, "requestTime");
            json.WriteNumber("requestTimeEpoch", context.RequestTime.ToUnixTimeMilliseconds());
            json.WriteString("resourceId", context.Method?.ResourceId);
            json.WriteString("resourcePath", context.Method?.ResourcePath);
            json.WriteString("stage", context.Stage?.StageName);
            json.WriteEndObject();

            ProxyEventParts.WriteBody(json, input);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Variable(Utf8JsonWriter json, RequestContext context, string name)
    {
        context.TryGetVariable(name, out var value);
        json.WriteString(name, value);
    }
}

/// <summary>What a proxy event needs besides the request context: the body and the paths as API Gateway reports them.</summary>
/// <param name="Body">The request body.</param>
/// <param name="IsBinary">Whether the body goes base64-encoded.</param>
/// <param name="Path">1.0 <c>path</c>: the path after the stage (with the base path on custom domains).</param>
/// <param name="FullPath">The path as the client sent it (1.0 <c>requestContext.path</c>, 2.0 <c>rawPath</c>).</param>
/// <param name="AccountId">The account id the gateway reports.</param>
internal readonly record struct ProxyEventInput(RequestBody Body, bool IsBinary, string Path, string FullPath, string AccountId);
