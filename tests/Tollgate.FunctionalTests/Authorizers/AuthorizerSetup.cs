using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>Configs for authorizer tests: an API 'orders' (stage 'live') whose GET /orders/{id} proxies to an echo backend.</summary>
internal static class AuthorizerSetup
{
    public const string Region = "eu-west-1";
    public const string Account = "123456789012";
    public const string FunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:tenant-auth";
    public const string FunctionUri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + FunctionArn + "/invocations";

    public static Authorizer Token(string? validation = null, int? ttl = null, string header = "Authorization") => new()
    {
        Name = "auth",
        Type = "token",
        AuthorizerUri = FunctionUri,
        IdentitySource = "method.request.header." + header,
        IdentityValidationExpression = validation,
        ResultTtlInSeconds = ttl,
    };

    public static Authorizer Request(string identitySource, int? ttl = null) => new()
    {
        Name = "auth",
        Type = "request",
        AuthorizerUri = FunctionUri,
        IdentitySource = identitySource,
        ResultTtlInSeconds = ttl,
    };

    /// <summary>GET /orders/{id} and GET /health with <paramref name="authorizationType"/>, backend headers X-Tenant and X-Principal mapped from the authorizer.</summary>
    public static GatewayConfig Config(
        string backendUrl, Authorizer? authorizer, string authorizationType = "CUSTOM", string? lambdaUrl = null, IamSettings? iam = null,
        ImmutableArray<string> scopes = default, ImmutableDictionary<string, string>? jwks = null, ImmutableDictionary<string, string>? stageVariables = null)
    {
        Method Get(string path, params (string, string)[] mappings) => new()
        {
            HttpMethod = "GET",
            AuthorizationType = authorizationType,
            AuthorizerId = authorizer?.Name,
            AuthorizationScopes = scopes.IsDefault ? [] : scopes,
            Integration = Models.Proxy(backendUrl + path, mappings),
        };
        var orders = Get("/orders/{id}",
            ("integration.request.path.id", "method.request.path.id"),
            ("integration.request.header.X-Tenant", "context.authorizer.tenant"),
            ("integration.request.header.X-Principal", "context.authorizer.principalId"),
            ("integration.request.header.X-Username", "context.authorizer.claims.cognito:username"),
            ("integration.request.header.X-Sub", "context.authorizer.claims.sub"),
            ("integration.request.header.X-User-Arn", "context.identity.userArn"),
            ("integration.request.header.X-Caller", "context.identity.caller"),
            ("integration.request.header.X-Access-Key", "context.identity.accessKey"),
            ("integration.request.header.X-Caller-Account", "context.identity.accountId"),
            ("integration.request.header.X-Account", "context.accountId"));
        var api = new Api
        {
            Id = "orders",
            Name = "orders",
            Resources =
            [
                new Resource { Path = "/orders/{id}", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", orders).Add("POST", orders with { HttpMethod = "POST" }) },
                new Resource { Path = "/health", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", Get("/health")) },
            ],
            Stages = [new Stage { StageName = "live", Variables = stageVariables ?? ImmutableDictionary<string, string>.Empty }],
            Authorizers = authorizer is null
                ? ImmutableDictionary<string, Authorizer>.Empty
                : ImmutableDictionary<string, Authorizer>.Empty.Add(authorizer.Name, authorizer),
        };
        return new GatewayConfig
        {
            Apis = [api],
            Region = Region,
            AccountId = Account,
            Lambda = new LambdaSettings { Endpoint = lambdaUrl },
            Iam = iam ?? new IamSettings(),
            Jwt = new JwtSettings { JwksUris = jwks ?? ImmutableDictionary<string, string>.Empty },
        };
    }

    /// <summary>An authorizer result allowing or denying <paramref name="resource"/>, with a context.</summary>
    public static LambdaReply Policy(string effect, string resource, string principal = "user-1", object? context = null, string? usageKey = null)
    {
        var output = new Dictionary<string, object?>
        {
            ["principalId"] = principal,
            ["policyDocument"] = new
            {
                Version = "2012-10-17",
                Statement = new[] { new { Action = "execute-api:Invoke", Effect = effect, Resource = resource } },
            },
            ["context"] = context ?? new { tenant = "acme", tier = 3, beta = true },
        };
        if (usageKey is not null)
        {
            output["usageIdentifierKey"] = usageKey;
        }
        return new LambdaReply(JsonSerializer.Serialize(output));
    }

    public static async Task<JsonElement> EchoAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string? Header(JsonElement echo, string name) =>
        echo.GetProperty("headers").TryGetProperty(name, out var value) ? value.GetString() : null;

    public static async Task AssertErrorAsync(HttpResponseMessage response, int status, string body, string errorType)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(errorType, response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }
}
