using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.IntegrationModels;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>
/// An HTTP API 'shop' on the $default stage (stage variable env=dev) whose routes all use the Lambda
/// authorizer 'auth' (function 'http-auth'): GET and DELETE /orders/{id} proxy to an echo backend
/// with the authorizer's context mapped into headers, GET /me is a Lambda proxy (payload 2.0) to 'profile'.
/// </summary>
internal static class HttpApiAuthorizerSetup
{
    public const string AuthFunction = "arn:aws:lambda:eu-west-1:123456789012:function:http-auth";
    public const string FunctionUri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + AuthFunction + "/invocations";
    public const string OrdersArn = "arn:aws:execute-api:eu-west-1:123456789012:shop/$default/GET/orders/*";

    public static Authorizer Authorizer(string version = "2.0", bool simple = true, string? source = "$request.header.Authorization", int? ttl = 0) => new()
    {
        Name = "auth",
        Type = "request",
        AuthorizerUri = FunctionUri,
        IdentitySource = source,
        ResultTtlInSeconds = ttl,
        PayloadFormatVersion = version,
        EnableSimpleResponses = simple,
    };

    public static GatewayConfig Config(string backendUrl, string lambdaUrl, Authorizer authorizer)
    {
        var orders = HttpProxy(backendUrl + "/orders/{id}",
        [
            ("overwrite:header.x-tenant", "$context.authorizer.tenant"),
            ("overwrite:header.x-tier", "$context.authorizer.tier"),
            ("overwrite:header.x-roles", "$context.authorizer.roles"),
            ("overwrite:header.x-principal", "$context.authorizer.principalId"),
        ]);
        Method Route(string method, Integration integration) => new()
        {
            HttpMethod = method,
            AuthorizationType = "CUSTOM",
            AuthorizerId = "auth",
            Integration = integration,
        };
        var api = HttpApi("shop", "$default") with
        {
            Resources =
            [
                new Resource { Path = "/orders/{id}", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", Route("GET", orders)).Add("DELETE", Route("DELETE", orders)) },
                new Resource { Path = "/me", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", Route("GET", LambdaProxy("profile", "2.0"))) },
            ],
            Stages = [new Stage { StageName = "$default", Variables = ImmutableDictionary<string, string>.Empty.Add("env", "dev") }],
            Authorizers = ImmutableDictionary<string, Authorizer>.Empty.Add("auth", authorizer),
        };
        return new GatewayConfig
        {
            Apis = [api],
            Region = AuthorizerSetup.Region,
            AccountId = AuthorizerSetup.Account,
            Lambda = new LambdaSettings { Endpoint = lambdaUrl },
        };
    }

    /// <summary>The context every test function returns: a string, a number, a boolean and an array.</summary>
    public static readonly object Context = new { tenant = "acme", tier = 3, beta = true, roles = new[] { "admin", "ops" } };

    public static LambdaReply Simple(bool allowed, object? context = null) =>
        new(JsonSerializer.Serialize(new { isAuthorized = allowed, context = context ?? Context }));

    public static LambdaReply PolicyReply(string effect, string resource, object? context = null) =>
        new(JsonSerializer.Serialize(new
        {
            principalId = "user-7",
            policyDocument = new
            {
                Version = "2012-10-17",
                Statement = new[] { new { Action = "execute-api:Invoke", Effect = effect, Resource = resource } },
            },
            context = context ?? Context,
        }));

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = "Bearer good")
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }
        return request;
    }

    /// <summary>An HTTP API error: the status, AWS's body, apigw-requestid and no x-amzn-ErrorType.</summary>
    public static async Task AssertHttpApiErrorAsync(HttpResponseMessage response, int status, string message)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("{\"message\":\"" + message + "\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.Contains("apigw-requestid"));
        Assert.False(response.Headers.Contains("x-amzn-ErrorType"));
    }
}
