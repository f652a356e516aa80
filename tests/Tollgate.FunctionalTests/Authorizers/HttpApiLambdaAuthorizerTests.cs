using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using static Tollgate.FunctionalTests.Authorizers.HttpApiAuthorizerSetup;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>HTTP API Lambda authorizers (payload 2.0 and 1.0, simple and IAM policy responses) on real Kestrel.</summary>
public sealed class HttpApiLambdaAuthorizerTests
{
    [Fact]
    public async Task V2_SimpleAllow_DocumentedEventFieldByField_ContextMappedIntoBackendRequest()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(true));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer()));

        using var request = Request(HttpMethod.Get, "/orders/a%20b?view=full&view=short");
        request.Headers.Add("Cookie", "c1=x; c2=y");
        request.Headers.Add("User-Agent", "agent");
        request.Headers.Add("X-Two", ["1", "2"]);
        using var response = await gateway.Client.SendAsync(request);
        var echo = await EchoAsync(response);

        Assert.Equal("/orders/a%20b?view=full&view=short", echo.GetProperty("rawTarget").GetString());
        Assert.Equal("acme", Header(echo, "x-tenant"));
        Assert.Equal("3", Header(echo, "x-tier"));
        Assert.Equal("[\"admin\",\"ops\"]", Header(echo, "x-roles"));
        Assert.Null(Header(echo, "x-principal"));

        var (function, e) = Assert.Single(lambda.Invocations);
        Assert.Equal(AuthFunction, function);
        Assert.Equal(
            ["version", "type", "routeArn", "identitySource", "routeKey", "rawPath", "rawQueryString", "cookies", "headers",
             "queryStringParameters", "requestContext", "pathParameters", "stageVariables"],
            e.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2.0", e.GetProperty("version").GetString());
        Assert.Equal("REQUEST", e.GetProperty("type").GetString());
        Assert.Equal("arn:aws:execute-api:eu-west-1:123456789012:shop/$default/GET/orders/a%20b", e.GetProperty("routeArn").GetString());
        Assert.Equal("[\"Bearer good\"]", e.GetProperty("identitySource").GetRawText());
        Assert.Equal("GET /orders/{id}", e.GetProperty("routeKey").GetString());
        Assert.Equal("/orders/a%20b", e.GetProperty("rawPath").GetString());
        Assert.Equal("view=full&view=short", e.GetProperty("rawQueryString").GetString());
        Assert.Equal("[\"c1=x\",\"c2=y\"]", e.GetProperty("cookies").GetRawText());
        var headers = e.GetProperty("headers");
        Assert.Equal("Bearer good", headers.GetProperty("authorization").GetString());
        Assert.Equal("1, 2", headers.GetProperty("x-two").GetString());
        Assert.False(headers.TryGetProperty("cookie", out _));
        Assert.Equal("full,short", e.GetProperty("queryStringParameters").GetProperty("view").GetString());
        Assert.Equal("a b", e.GetProperty("pathParameters").GetProperty("id").GetString());
        Assert.Equal("{\"env\":\"dev\"}", e.GetProperty("stageVariables").GetRawText());

        var rc = e.GetProperty("requestContext");
        Assert.Equal(
            ["accountId", "apiId", "domainName", "domainPrefix", "http", "requestId", "routeKey", "stage", "time", "timeEpoch"],
            rc.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Account, rc.GetProperty("accountId").GetString());
        Assert.Equal("shop", rc.GetProperty("apiId").GetString());
        Assert.Equal("127.0.0.1", rc.GetProperty("domainName").GetString());
        Assert.Equal("127", rc.GetProperty("domainPrefix").GetString());
        Assert.Equal(
            """{"method":"GET","path":"/orders/a%20b","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"agent"}""",
            rc.GetProperty("http").GetRawText());
        Assert.Equal(response.Headers.GetValues("apigw-requestid").Single(), rc.GetProperty("requestId").GetString());
        Assert.Equal("GET /orders/{id}", rc.GetProperty("routeKey").GetString());
        Assert.Equal("$default", rc.GetProperty("stage").GetString());
        Assert.Matches(@"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$", rc.GetProperty("time").GetString());
        Assert.Equal(JsonValueKind.Number, rc.GetProperty("timeEpoch").ValueKind);
    }

    [Fact]
    public async Task V2_SimpleDeny_403Forbidden()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(false));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer()));

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42")), 403, "Forbidden");
        Assert.Single(lambda.Invocations);
    }

    [Fact]
    public async Task V2_PolicyResponse_AllowsTheRoutesItNames_DeniesOthersAndExplicitDenies()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", e => e.GetProperty("headers").GetProperty("authorization").GetString() == "Bearer good"
            ? PolicyReply("Allow", OrdersArn)
            : PolicyReply("Deny", "arn:aws:execute-api:*:*:shop/*"));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer(simple: false)));

        var echo = await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42")));
        Assert.Equal("user-7", Header(echo, "x-principal"));
        Assert.Equal("acme", Header(echo, "x-tenant"));
        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Delete, "/orders/42")), 403, "Forbidden");
        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42", "Bearer bad")), 403, "Forbidden");
        Assert.Equal(3, lambda.CountOf(AuthFunction));
    }

    [Fact]
    public async Task MissingOrEmptyIdentitySource_401WithoutCallingTheFunction()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(true));
        var authorizer = Authorizer(source: "$request.header.Authorization, $request.querystring.tenant");
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, authorizer));

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42?tenant=acme", token: null)), 401, "Unauthorized");
        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42")), 401, "Unauthorized");
        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42?tenant=")), 401, "Unauthorized");
        Assert.Empty(lambda.Invocations);

        await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42?tenant=acme")));
        Assert.Equal("[\"Bearer good\",\"acme\"]", Assert.Single(lambda.Invocations).Event.GetProperty("identitySource").GetRawText());
    }

    [Fact]
    public async Task IdentitySources_StageVariableAndContextVariable_AreSentInOrder()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(true));
        var authorizer = Authorizer(source: "$stageVariables.env, $context.routeKey, $request.header.x-key");
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, authorizer));

        using var request = Request(HttpMethod.Delete, "/orders/9");
        request.Headers.Add("X-Key", "k1");
        await EchoAsync(await gateway.Client.SendAsync(request));

        Assert.Equal("[\"dev\",\"DELETE /orders/{id}\",\"k1\"]", Assert.Single(lambda.Invocations).Event.GetProperty("identitySource").GetRawText());
    }

    [Theory]
    [InlineData("error")]
    [InlineData("notJson")]
    [InlineData("isAuthorizedNotBoolean")]
    [InlineData("noFunction")]
    public async Task FunctionErrorOrBadOutput_500InternalServerError(string kind)
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function(kind == "noFunction" ? "someone-else" : "http-auth", _ => kind switch
        {
            "error" => new LambdaReply("{\"errorMessage\":\"database down\",\"errorType\":\"Error\"}", "Unhandled"),
            "notJson" => new LambdaReply("<html>"),
            _ => new LambdaReply("{\"isAuthorized\":\"yes\"}"),
        });
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer()));

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42")), 500, "Internal Server Error");
    }

    [Fact]
    public async Task FunctionFailsWithUnauthorized_401()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => new LambdaReply("{\"errorMessage\":\"Unauthorized\",\"errorType\":\"Error\"}", "Unhandled"));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer()));

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42")), 401, "Unauthorized");
    }

    [Fact]
    public async Task V2PolicyResponse_WithoutPolicyDocument_500()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("http-auth", _ => Simple(true));
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, lambda.Url, Authorizer(simple: false)));

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/orders/42")), 500, "Internal Server Error");
    }
}
