using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;

namespace Tollgate.FunctionalTests.Authorizers;

public sealed class LambdaAuthorizerTests
{
    private const string AllOrders = "arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/*";
    private const string NullMessage = "{\"message\":null}";

    private static HttpRequestMessage Get(string path, string? token = "Bearer good")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }
        return request;
    }

    [Fact]
    public async Task Token_Allow_CallsFunctionWithTokenEventAndMapsContextIntoBackendRequest()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", AllOrders));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url));

        var echo = await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/42")));

        Assert.Equal("/orders/42", echo.GetProperty("path").GetString());
        Assert.Equal("acme", Header(echo, "X-Tenant"));
        Assert.Equal("user-1", Header(echo, "X-Principal"));
        Assert.Equal("123456789012", Header(echo, "X-Account"));
        var (function, input) = Assert.Single(lambda.Invocations);
        Assert.Equal(FunctionArn, function);
        Assert.Equal(
            """{"type":"TOKEN","authorizationToken":"Bearer good","methodArn":"arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/42"}""",
            input.GetRawText());
    }

    [Fact]
    public async Task Token_ExplicitDeny_403WithAwsMessage()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Deny", "arn:aws:execute-api:*:*:orders/*"));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url));

        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42")), 403,
            "{\"message\":\"User is not authorized to access this resource with an explicit deny\"}", "AccessDeniedException");
    }

    [Fact]
    public async Task Token_PolicyForOtherMethod_ImplicitDeny403()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:orders/live/POST/orders/*"));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url));

        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42")), 403,
            "{\"message\":\"User is not authorized to access this resource\"}", "AccessDeniedException");
    }

    [Fact]
    public async Task Token_FunctionFailsWithUnauthorized_401()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => new LambdaReply("{\"errorMessage\":\"Unauthorized\",\"errorType\":\"Error\"}", "Unhandled"));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url));

        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42")), 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
    }

    [Theory]
    [InlineData("error")]
    [InlineData("notJson")]
    [InlineData("noPolicy")]
    [InlineData("badEffect")]
    [InlineData("objectInContext")]
    [InlineData("invokeApi404")]
    public async Task Token_FunctionErrorOrBadOutput_500AuthorizerConfigurationError(string kind)
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function(kind == "invokeApi404" ? "someone-else" : "tenant-auth", _ => kind switch
        {
            "error" => new LambdaReply("{\"errorMessage\":\"database down\",\"errorType\":\"Error\"}", "Unhandled"),
            "notJson" => new LambdaReply("<html>"),
            "noPolicy" => new LambdaReply("{\"principalId\":\"u\"}"),
            "badEffect" => new LambdaReply("{\"principalId\":\"u\",\"policyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}]}}"),
            _ => Policy("Allow", AllOrders, context: new { tenant = new { id = 1 } }),
        });
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url));

        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42")), 500, NullMessage, "AuthorizerConfigurationException");
    }

    [Fact]
    public async Task Token_FunctionTimesOut_500AuthorizerConfigurationError()
    {
        var clock = new FakeTimeProvider();
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        var called = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        lambda.Function("tenant-auth", async _ =>
        {
            called.TrySetResult();
            await release.Task;
            return Policy("Allow", AllOrders);
        });
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url), clock);

        var pending = gateway.Client.SendAsync(Get("/live/orders/42"));
        await called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(11));
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();

        await AssertErrorAsync(response, 500, NullMessage, "AuthorizerConfigurationException");
    }

    [Fact]
    public async Task Token_MissingHeaderOrFailedValidationExpression_401WithoutCall()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", AllOrders));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(validation: "Bearer [a-z]+"), lambdaUrl: lambda.Url));

        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42", token: null)), 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42", token: "Bearer 123")), 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
        // The whole token must match, not a part of it.
        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/orders/42", token: "xBearer abc")), 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
        Assert.Equal(0, lambda.CountOf(FunctionArn));

        await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/42", token: "Bearer abc")));
        Assert.Equal(1, lambda.CountOf(FunctionArn));
    }

    [Fact]
    public async Task Token_CachedPerTokenForTtl_ReevaluatedPerMethodAndExpires()
    {
        var clock = new FakeTimeProvider();
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", AllOrders));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(), lambdaUrl: lambda.Url), clock);

        await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/1")));
        await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/2")));
        Assert.Equal(1, lambda.CountOf(FunctionArn));

        // The cached policy allows GET /orders/* only: /health is denied without a new call.
        await AssertErrorAsync(await gateway.Client.SendAsync(Get("/live/health")), 403,
            "{\"message\":\"User is not authorized to access this resource\"}", "AccessDeniedException");
        Assert.Equal(1, lambda.CountOf(FunctionArn));

        // Another token is another cache entry.
        await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/1", token: "Bearer other")));
        Assert.Equal(2, lambda.CountOf(FunctionArn));

        clock.Advance(TimeSpan.FromSeconds(299));
        await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/3")));
        Assert.Equal(2, lambda.CountOf(FunctionArn));
        clock.Advance(TimeSpan.FromSeconds(2));
        await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/3")));
        Assert.Equal(3, lambda.CountOf(FunctionArn));
    }

    [Fact]
    public async Task Token_TtlZero_CallsEveryTime()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", AllOrders));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, Token(ttl: 0), lambdaUrl: lambda.Url));

        for (var i = 0; i < 3; i++)
        {
            await EchoAsync(await gateway.Client.SendAsync(Get("/live/orders/1")));
        }
        Assert.Equal(3, lambda.CountOf(FunctionArn));
    }

    [Fact]
    public async Task Request_AllSourcesPresent_SendsRequestEventAndCachesBySourceValues()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:orders/live/*"));
        var authorizer = Request("method.request.header.X-Tenant-Key, method.request.querystring.region, stageVariables.pool, context.httpMethod");
        var variables = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("pool", "blue");
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, authorizer, lambdaUrl: lambda.Url, stageVariables: variables));

        HttpRequestMessage Make(string query, string key = "k1")
        {
            var r = new HttpRequestMessage(HttpMethod.Get, "/live/orders/42" + query);
            r.Headers.TryAddWithoutValidation("X-Tenant-Key", key);
            return r;
        }
        var echo = await EchoAsync(await gateway.Client.SendAsync(Make("?region=eu&region=us&x=1")));
        Assert.Equal("acme", Header(echo, "X-Tenant"));

        var input = Assert.Single(lambda.Invocations).Event;
        Assert.Equal("REQUEST", input.GetProperty("type").GetString());
        Assert.Equal("arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/42", input.GetProperty("methodArn").GetString());
        Assert.Equal("/orders/{id}", input.GetProperty("resource").GetString());
        Assert.Equal("/live/orders/42", input.GetProperty("path").GetString());
        Assert.Equal("GET", input.GetProperty("httpMethod").GetString());
        Assert.Equal("k1", input.GetProperty("headers").GetProperty("X-Tenant-Key").GetString());
        Assert.Equal("[\"k1\"]", input.GetProperty("multiValueHeaders").GetProperty("X-Tenant-Key").GetRawText());
        Assert.Equal("us", input.GetProperty("queryStringParameters").GetProperty("region").GetString());
        Assert.Equal("[\"eu\",\"us\"]", input.GetProperty("multiValueQueryStringParameters").GetProperty("region").GetRawText());
        Assert.Equal("42", input.GetProperty("pathParameters").GetProperty("id").GetString());
        Assert.Equal("blue", input.GetProperty("stageVariables").GetProperty("pool").GetString());
        var requestContext = input.GetProperty("requestContext");
        Assert.Equal("123456789012", requestContext.GetProperty("accountId").GetString());
        Assert.Equal("orders", requestContext.GetProperty("apiId").GetString());
        Assert.Equal("live", requestContext.GetProperty("stage").GetString());
        Assert.Equal("/orders/{id}", requestContext.GetProperty("resourcePath").GetString());
        Assert.Equal("127.0.0.1", requestContext.GetProperty("identity").GetProperty("sourceIp").GetString());

        await EchoAsync(await gateway.Client.SendAsync(Make("?region=eu&region=us&x=2")));
        Assert.Equal(1, lambda.CountOf(FunctionArn));
        await EchoAsync(await gateway.Client.SendAsync(Make("?region=eu")));
        await EchoAsync(await gateway.Client.SendAsync(Make("?region=us", key: "k2")));
        Assert.Equal(3, lambda.CountOf(FunctionArn));
    }

    [Theory]
    [InlineData("?region=eu", null)]
    [InlineData("", "k1")]
    [InlineData("?region=", "k1")]
    [InlineData("?region=eu", "")]
    public async Task Request_AnySourceMissingOrEmpty_401WithoutCall(string query, string? key)
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Allow", AllOrders));
        await using var gateway = await RunningGateway.StartAsync(Config(
            backend.Url, Request("method.request.header.X-Tenant-Key,method.request.querystring.region"), lambdaUrl: lambda.Url));

        var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders/42" + query);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Tenant-Key", key);
        }
        await AssertErrorAsync(await gateway.Client.SendAsync(request), 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
        Assert.Empty(lambda.Invocations);
    }

    [Fact]
    public async Task Token_CustomisedGatewayResponse_CanReadAuthorizerContext()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => Policy("Deny", AllOrders, principal: "mallory"));
        var config = Config(backend.Url, Token(), lambdaUrl: lambda.Url);
        var api = config.Apis[0] with
        {
            GatewayResponses = System.Collections.Immutable.ImmutableDictionary<Gateway.Model.GatewayResponseType, Gateway.Model.GatewayResponse>.Empty.Add(
                Gateway.Model.GatewayResponseType.ACCESS_DENIED,
                new Gateway.Model.GatewayResponse
                {
                    ResponseTemplates = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add(
                        "application/json", "{\"who\":\"$context.authorizer.principalId\",\"tenant\":\"$context.authorizer.tenant\"}"),
                }),
        };
        await using var gateway = await RunningGateway.StartAsync(config with { Apis = [api] });

        var response = await gateway.Client.SendAsync(Get("/live/orders/42"));
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("{\"who\":\"mallory\",\"tenant\":\"acme\"}", await response.Content.ReadAsStringAsync());
    }
}
