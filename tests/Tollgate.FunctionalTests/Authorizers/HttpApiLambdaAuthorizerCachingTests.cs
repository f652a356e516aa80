using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using static Tollgate.FunctionalTests.Authorizers.HttpApiAuthorizerSetup;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>HTTP API Lambda authorizers: caching by identity sources, the context in payload 2.0 events, and format 1.0.</summary>
public sealed class HttpApiLambdaAuthorizerCachingTests
{
    private static LambdaReply Profile(JsonElement _) => new("{\"statusCode\":200,\"body\":\"me\"}");

    [Fact]
    public async Task Context_ReachesLambdaProxyV2EventAsReturned_UnderAuthorizerLambda()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", e => e.GetProperty("headers").GetProperty("authorization").GetString() == "Bearer good"
            ? Simple(true)
            : new LambdaReply("{\"isAuthorized\":true}"));
        lambda.Function("profile", Profile);
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer()));

        using var withContext = await gateway.Client.SendAsync(Request(HttpMethod.Get, "/me"));
        using var withoutContext = await gateway.Client.SendAsync(Request(HttpMethod.Get, "/me", "Bearer other"));

        Assert.Equal("me", await withContext.Content.ReadAsStringAsync());
        Assert.Equal("me", await withoutContext.Content.ReadAsStringAsync());
        var events = lambda.Invocations.Where(i => i.Function.EndsWith(":profile", StringComparison.Ordinal)).Select(i => i.Event).ToArray();
        Assert.Equal(2, events.Length);
        Assert.Equal(
            """{"lambda":{"tenant":"acme","tier":3,"beta":true,"roles":["admin","ops"]}}""",
            events[0].GetProperty("requestContext").GetProperty("authorizer").GetRawText());
        Assert.Equal("""{"lambda":null}""", events[1].GetProperty("requestContext").GetProperty("authorizer").GetRawText());
    }

    [Fact]
    public async Task Caching_ByIdentitySources_ForTheTtl_SimpleResultHoldsForEveryRoute()
    {
        var clock = new FakeTimeProvider();
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(true));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer(ttl: 300)), clock);

        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/1")));
        var cached = await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Delete, "/orders/2")));
        Assert.Equal(1, lambda.CountOf(AuthFunction));
        Assert.Equal("acme", Header(cached, "x-tenant"));

        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/1", "Bearer other")));
        Assert.Equal(2, lambda.CountOf(AuthFunction));

        clock.Advance(TimeSpan.FromSeconds(299));
        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/3")));
        Assert.Equal(2, lambda.CountOf(AuthFunction));
        clock.Advance(TimeSpan.FromSeconds(2));
        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/3")));
        Assert.Equal(3, lambda.CountOf(AuthFunction));
    }

    [Fact]
    public async Task Caching_CachedPolicyIsEvaluatedForEachRoute()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => PolicyReply("Allow", OrdersArn));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer(simple: false, ttl: 300)));

        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/1")));
        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Delete, "/orders/1")), 403, "Forbidden");
        Assert.Equal(1, lambda.CountOf(AuthFunction));
    }

    [Theory]
    [InlineData("$request.header.Authorization", 0)]
    [InlineData(null, 300)]
    public async Task Caching_OffWithTtlZeroOrWithoutIdentitySources(string? source, int ttl)
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(true));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer(source: source, ttl: ttl)));

        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/1")));
        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/1")));
        Assert.Equal(2, lambda.CountOf(AuthFunction));
        if (source is null)
        {
            Assert.Equal("[]", lambda.Invocations.First().Event.GetProperty("identitySource").GetRawText());
        }
    }

    [Fact]
    public async Task V1_RestShapedEventWithVersionAndIdentitySource_PolicyDecides()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => PolicyReply("Allow", OrdersArn, new { tenant = "acme" }));
        var authorizer = Authorizer(version: "1.0", simple: false, source: "$request.header.Authorization, $request.querystring.tenant");
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, authorizer));

        var echo = await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42?tenant=acme")));
        Assert.Equal("acme", Header(echo, "x-tenant"));
        Assert.Equal("user-7", Header(echo, "x-principal"));
        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Delete, "/orders/42?tenant=acme")), 403, "Forbidden");

        var e = lambda.Invocations.First().Event;
        Assert.Equal(
            ["version", "type", "methodArn", "identitySource", "authorizationToken", "resource", "path", "httpMethod", "headers", "multiValueHeaders",
             "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext"],
            e.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.0", e.GetProperty("version").GetString());
        Assert.Equal("REQUEST", e.GetProperty("type").GetString());
        Assert.Equal("arn:aws:execute-api:eu-west-1:123456789012:shop/$default/GET/orders/42", e.GetProperty("methodArn").GetString());
        Assert.Equal("Bearer good,acme", e.GetProperty("identitySource").GetString());
        Assert.Equal("Bearer good,acme", e.GetProperty("authorizationToken").GetString());
        Assert.Equal("/orders/{id}", e.GetProperty("resource").GetString());
        Assert.Equal("GET", e.GetProperty("httpMethod").GetString());
        Assert.Equal("42", e.GetProperty("pathParameters").GetProperty("id").GetString());
        Assert.Equal("$default", e.GetProperty("requestContext").GetProperty("stage").GetString());
    }
}
