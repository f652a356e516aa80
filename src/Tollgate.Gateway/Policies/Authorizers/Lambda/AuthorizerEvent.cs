using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>
/// The input of a REST Lambda authorizer, as the API Gateway developer guide documents it:
/// TOKEN <c>{type, authorizationToken, methodArn}</c>; REQUEST <c>{type, methodArn, resource,
/// path, httpMethod, headers, multiValueHeaders, queryStringParameters,
/// multiValueQueryStringParameters, pathParameters, stageVariables, requestContext}</c>. HTTP API
/// authorizers of format 1.0 get the REQUEST event with <c>version</c>, <c>identitySource</c> and
/// <c>authorizationToken</c> (the identity source values joined with commas) added.
/// </summary>
internal static class AuthorizerEvent
{
    public static byte[] Token(string token, string methodArn)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + token.Length + methodArn.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "TOKEN");
            w.WriteString("authorizationToken", token);
            w.WriteString("methodArn", methodArn);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Request(RequestContext context, string methodArn, string? httpApiIdentity = null)
    {
        var http = context.Http;
        var request = http.Request;
        var method = context.Method!;
        var stage = context.Stage!;
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (httpApiIdentity is not null)
            {
                w.WriteString("version", "1.0");
            }
            w.WriteString("type", "REQUEST");
            w.WriteString("methodArn", methodArn);
            if (httpApiIdentity is not null)
            {
                w.WriteString("identitySource", httpApiIdentity);
                w.WriteString("authorizationToken", httpApiIdentity);
            }
            w.WriteString("resource", method.ResourcePath);
            w.WriteString("path", request.Path.Value ?? "/");
            w.WriteString("httpMethod", request.Method);

            w.WriteStartObject("headers");
            foreach (var (name, values) in request.Headers)
            {
                w.WriteString(name, values.Count > 0 ? values[^1] : "");
            }
            w.WriteEndObject();
            w.WriteStartObject("multiValueHeaders");
            foreach (var (name, values) in request.Headers)
            {
                WriteList(w, name, values);
            }
            w.WriteEndObject();

            if (request.Query.Count == 0)
            {
                w.WriteNull("queryStringParameters");
                w.WriteNull("multiValueQueryStringParameters");
            }
            else
            {
                w.WriteStartObject("queryStringParameters");
                foreach (var (name, values) in request.Query)
                {
                    w.WriteString(name, values.Count > 0 ? values[^1] : "");
                }
                w.WriteEndObject();
                w.WriteStartObject("multiValueQueryStringParameters");
                foreach (var (name, values) in request.Query)
                {
                    WriteList(w, name, values);
                }
                w.WriteEndObject();
            }

            var names = method.PathParameterNames;
            if (names.Length == 0)
            {
                w.WriteNull("pathParameters");
            }
            else
            {
                w.WriteStartObject("pathParameters");
                foreach (var name in names)
                {
                    w.WriteString(name, context.GetPathParameter(name));
                }
                w.WriteEndObject();
            }

            if (stage.Variables.IsEmpty)
            {
                w.WriteNull("stageVariables");
            }
            else
            {
                w.WriteStartObject("stageVariables");
                foreach (var (name, value) in stage.Variables)
                {
                    w.WriteString(name, value);
                }
                w.WriteEndObject();
            }

            w.WriteStartObject("requestContext");
            w.WriteString("path", request.PathBase.Add(request.Path).Value ?? "/");
            w.WriteString("accountId", context.AccountId);
            w.WriteString("resourceId", method.ResourceId);
            w.WriteString("stage", stage.StageName);
            w.WriteString("domainName", Variable(context, "domainName"));
            w.WriteString("domainPrefix", Variable(context, "domainPrefix"));
            w.WriteString("requestId", context.RequestId);
            w.WriteString("extendedRequestId", context.ExtendedRequestId);
            w.WriteString("protocol", request.Protocol);
            w.WriteString("requestTime", Variable(context, "requestTime"));
            w.WriteNumber("requestTimeEpoch", context.RequestTime.ToUnixTimeMilliseconds());
            w.WriteStartObject("identity");
            w.WriteString("sourceIp", context.SourceIp);
            w.WriteString("userAgent", request.Headers.UserAgent.ToString());
            if (context.ApiKey is { } apiKey)
            {
                w.WriteString("apiKey", apiKey);
            }
            w.WriteEndObject();
            w.WriteString("resourcePath", method.ResourcePath);
            w.WriteString("httpMethod", request.Method);
            w.WriteString("apiId", stage.Api.Id);
            w.WriteEndObject();

            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteList(Utf8JsonWriter w, string name, StringValues values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static string Variable(RequestContext context, string name) => context.TryGetVariable(name, out var v) ? v : "";
}
