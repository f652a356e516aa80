using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Tests.Policies.Authorizers;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using static Tollgate.FunctionalTests.Authorizers.BotocoreSigner;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>An API Gateway export with every kind of authorizer, loaded from a config file and served end to end.</summary>
public sealed class AuthorizerImportTests(JwtTestFixture tokens) : IClassFixture<JwtTestFixture>
{
    private static string Export(string backend) => $$"""
        {
          "openapi": "3.0.1",
          "info": { "title": "exports", "version": "1" },
          "servers": [ { "url": "https://abc123.execute-api.eu-west-1.amazonaws.com/{basePath}", "variables": { "basePath": { "default": "live" } } } ],
          "paths": {
            "/token": { "get": { "security": [ { "tokenAuth": [] } ], "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "{{backend}}/token" } } },
            "/request": { "get": { "security": [ { "requestAuth": [] } ], "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "{{backend}}/request",
              "requestParameters": { "integration.request.header.X-Tenant": "context.authorizer.tenant" } } } },
            "/pool": { "get": { "security": [ { "pool": [] } ], "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "{{backend}}/pool",
              "requestParameters": { "integration.request.header.X-Username": "context.authorizer.claims.cognito:username" } } } },
            "/iam": { "get": { "security": [ { "sigv4": [] } ], "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "{{backend}}/iam" } } }
          },
          "components": {
            "securitySchemes": {
              "tokenAuth": { "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": { "type": "token", "authorizerUri": "{{FunctionUri}}", "authorizerResultTtlInSeconds": 300, "identityValidationExpression": "Bearer .+" } },
              "requestAuth": { "type": "apiKey", "name": "Unused", "in": "header", "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": { "type": "request", "authorizerUri": "{{FunctionUri}}", "identitySource": "method.request.header.X-Tenant-Key, method.request.querystring.region", "authorizerResultTtlInSeconds": 0 } },
              "pool": { "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": { "type": "cognito_user_pools", "providerARNs": [ "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example" ] } },
              "sigv4": { "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4" }
            }
          }
        }
        """;

    private string Gateway(string lambdaUrl) => $$"""
        region: eu-west-1
        accountId: "123456789012"
        lambda:
          endpoint: {{lambdaUrl}}
        jwks:
          "{{JwtTestFixture.CognitoIssuer}}": "{{tokens.JwksUrl}}"
        iam:
          principals:
            - arn: arn:aws:iam::123456789012:user/reporting
              accessKeys: [ { accessKeyId: {{Key}}, secretAccessKey: "{{Secret}}" } ]
              policies:
                - Version: "2012-10-17"
                  Statement: [ { Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:exports/live/GET/*" } ]
        apis:
          - name: exports
            definition: export.json
        """;

    [Fact]
    public async Task Export_EveryAuthorizerKind_ServedEndToEnd()
    {
        using var directory = new TempDirectory();
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:exports/live/*"));
        directory.Write("export.json", Export(backend.Url));
        var path = directory.Write("gateway.yaml", Gateway(lambda.Url));
        var load = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var clock = new Tollgate.Gateway.Tests.Support.FakeTimeProvider(JwtTestFixture.Now);
        await using var gateway = await RunningGateway.StartAsync(() => new ConfigLoad(load.Config, load.Diagnostics, load.SourceFiles), time: clock);

        // TOKEN, with its validation expression.
        var token = new HttpRequestMessage(HttpMethod.Get, "/live/token");
        token.Headers.TryAddWithoutValidation("Authorization", "Basic nope");
        await AssertErrorAsync(await gateway.Client.SendAsync(token), 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
        token = new HttpRequestMessage(HttpMethod.Get, "/live/token");
        token.Headers.TryAddWithoutValidation("Authorization", "Bearer t");
        await EchoAsync(await gateway.Client.SendAsync(token));

        // REQUEST, with two identity sources.
        Assert.Equal(401, (int)(await gateway.Client.GetAsync("/live/request?region=eu")).StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Get, "/live/request?region=eu");
        request.Headers.TryAddWithoutValidation("X-Tenant-Key", "k");
        Assert.Equal("acme", Header(await EchoAsync(await gateway.Client.SendAsync(request)), "X-Tenant"));
        Assert.Equal(2, lambda.CountOf(FunctionArn));

        // Cognito user pool.
        Assert.Equal(401, (int)(await gateway.Client.GetAsync("/live/pool")).StatusCode);
        var pool = new HttpRequestMessage(HttpMethod.Get, "/live/pool");
        pool.Headers.TryAddWithoutValidation("Authorization", tokens.Token("cognitoId"));
        Assert.Equal("ana", Header(await EchoAsync(await gateway.Client.SendAsync(pool)), "X-Username"));

        // IAM (awsSigv4); botocore signs at the real time, so the clock goes there.
        clock.SetUtcNow(DateTimeOffset.UtcNow);
        await AssertErrorAsync(await gateway.Client.GetAsync("/live/iam"), 403, "{\"message\":\"Missing Authentication Token\"}", "MissingAuthenticationTokenException");
        var signed = SignAll(gateway, new Sign("GET", "/live/iam"));
        await EchoAsync(await gateway.Client.SendAsync(signed[0]()));
    }
}
