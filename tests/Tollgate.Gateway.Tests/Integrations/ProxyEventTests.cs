using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Integrations.Lambda;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Tests.Integrations;

public sealed class ProxyEventTests
{
    private static readonly DateTimeOffset Time = new(2026, 3, 4, 19, 15, 17, 135, TimeSpan.Zero);

    private static RequestContext Request(string query, params (string Name, string[] Values)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/prod/items/7";
        http.Request.QueryString = new QueryString(query);
        http.Request.Protocol = "HTTP/1.1";
        foreach (var (name, values) in headers)
        {
            http.Request.Headers[name] = values;
        }
        var api = new Api { Id = "a1", Stages = [new Stage { StageName = "prod" }] };
        var method = new Method { HttpMethod = "GET" };
        var context = new RequestContext(http, "req-1", Time, 0)
        {
            Stage = new CompiledStage(new CompiledApi(api, new RouteTable(), GatewayResponseRenderer.Default, 1000), api.Stages[0]),
            Method = new CompiledMethod(method, "/items/{id}", ["id"], [], new NotServedIntegration("", "", NullLogger.Instance)),
            PathParameterRawValues = ["7"],
            ResourceRelativePath = "/items/7",
        };
        return context;
    }

    private static JsonElement Event(RequestContext context, bool v2)
    {
        var input = new ProxyEventInput(RequestBody.Empty, false, "/items/7", "/prod/items/7", "123456789012");
        var bytes = v2 ? ProxyEventV2.Write(context, input) : ProxyEventV1.Write(context, input);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    [Fact]
    public void Write_RepeatedHeaderAndQuery_V1LastValueAndLists()
    {
        var e = Event(Request("?p=1&p=2", ("X-Multi", ["a", "b"])), v2: false);

        Assert.Equal("b", e.GetProperty("headers").GetProperty("X-Multi").GetString());
        Assert.Equal("[\"a\",\"b\"]", e.GetProperty("multiValueHeaders").GetProperty("X-Multi").GetRawText());
        Assert.Equal("2", e.GetProperty("queryStringParameters").GetProperty("p").GetString());
        Assert.Equal("[\"1\",\"2\"]", e.GetProperty("multiValueQueryStringParameters").GetProperty("p").GetRawText());
        Assert.Equal("04/Mar/2026:19:15:17 +0000", e.GetProperty("requestContext").GetProperty("requestTime").GetString());
        Assert.Equal(Time.ToUnixTimeMilliseconds(), e.GetProperty("requestContext").GetProperty("requestTimeEpoch").GetInt64());
        Assert.Equal("123456789012", e.GetProperty("requestContext").GetProperty("accountId").GetString());
    }

    [Fact]
    public void Write_RepeatedHeaderAndQuery_V2JoinedWithCommasAndLowerCased()
    {
        var e = Event(Request("?p=1&p=2&q=x", ("X-Multi", ["a", "b"]), ("Cookie", ["c1=1; c2=2", "c3=3"])), v2: true);

        Assert.Equal("a,b", e.GetProperty("headers").GetProperty("x-multi").GetString());
        Assert.False(e.GetProperty("headers").TryGetProperty("cookie", out _));
        Assert.Equal("[\"c1=1\",\"c2=2\",\"c3=3\"]", e.GetProperty("cookies").GetRawText());
        Assert.Equal("1,2", e.GetProperty("queryStringParameters").GetProperty("p").GetString());
        Assert.Equal("p=1&p=2&q=x", e.GetProperty("rawQueryString").GetString());
        Assert.Equal("GET /items/{id}", e.GetProperty("routeKey").GetString());
        Assert.Equal("7", e.GetProperty("pathParameters").GetProperty("id").GetString());
        Assert.False(e.TryGetProperty("body", out _));
        Assert.False(e.TryGetProperty("stageVariables", out _));
        Assert.Equal(Time.ToUnixTimeMilliseconds(), e.GetProperty("requestContext").GetProperty("timeEpoch").GetInt64());
    }

    [Fact]
    public void Write_LambdaAuthorizer_PrincipalAndContextInAwsShapes()
    {
        var context = Request("");
        context.Authorizer = new AuthorizerValues(
            "user-1",
            new Dictionary<string, string> { ["tenant"] = "acme" }.ToFrozenDictionary(),
            Claims: null,
            Scopes: []);

        Assert.Equal("{\"principalId\":\"user-1\",\"tenant\":\"acme\"}", Event(context, v2: false).GetProperty("requestContext").GetProperty("authorizer").GetRawText());
        Assert.Equal("{\"lambda\":{\"tenant\":\"acme\"}}", Event(context, v2: true).GetProperty("requestContext").GetProperty("authorizer").GetRawText());
        Assert.True(context.TryGetVariable("authorizer.principalId", out var principal));
        Assert.Equal("user-1", principal);
        Assert.True(context.TryGetVariable("authorizer.tenant", out var tenant));
        Assert.Equal("acme", tenant);
        Assert.False(context.TryGetVariable("authorizer.nothing", out _));
    }

    [Fact]
    public void Write_JwtClaims_ClaimsForRestAndJwtObjectForHttpApis()
    {
        var context = Request("");
        context.Authorizer = new AuthorizerValues(
            null,
            AuthorizerValues.NoContext,
            new Dictionary<string, string> { ["sub"] = "abc" },
            ["read"]);

        Assert.Equal("{\"claims\":{\"sub\":\"abc\"}}", Event(context, v2: false).GetProperty("requestContext").GetProperty("authorizer").GetRawText());
        Assert.Equal("{\"jwt\":{\"claims\":{\"sub\":\"abc\"},\"scopes\":[\"read\"]}}", Event(context, v2: true).GetProperty("requestContext").GetProperty("authorizer").GetRawText());
        Assert.True(context.TryGetVariable("authorizer.claims.sub", out var sub));
        Assert.Equal("abc", sub);
    }
}
