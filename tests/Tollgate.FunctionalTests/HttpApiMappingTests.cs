using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

/// <summary>HTTP_PROXY on HTTP APIs with AWS's v2 parameter mapping, against a real echo backend.</summary>
public sealed class HttpApiMappingTests
{
    private static async Task<JsonElement> Echo(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.Clone();
    }

    private static string Header(JsonElement echo, string name)
    {
        foreach (var header in echo.GetProperty("headers").EnumerateObject())
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value.GetString()!;
            }
        }
        return "<absent>";
    }

    private static Api WithStageVariables(Api api) =>
        api with { Stages = [new Stage { StageName = "$default", Variables = ImmutableDictionary<string, string>.Empty.Add("env", "dev") }] };

    [Fact]
    public async Task RequestHeaders_AppendOverwriteRemove_FromEverySource()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = HttpProxy($"{backend.Url}/pets/{{id}}",
        [
            ("append:header.x-static", "fixed"),
            ("append:header.x-from-header", "$request.header.x-in"),
            ("append:header.x-from-query", "$request.querystring.q"),
            ("append:header.x-from-path", "$request.path.id"),
            ("append:header.x-whole-path", "$request.path"),
            ("append:header.x-from-context", "$context.requestId"),
            ("append:header.x-from-stage", "$stageVariables.env"),
            ("append:header.x-combined", "tenant-$request.header.x-in/$stageVariables.env"),
            ("append:header.x-multi", "added"),
            ("overwrite:header.x-replaced", "new"),
            ("remove:header.x-secret", "''"),
            ("overwrite:header.content-type", "application/x-mapped"),
            ("append:header.x-missing", "$request.header.not-sent"),
        ]);
        var api = WithStageVariables(HttpApi("pets", "$default", Resource("/pets/{id}", ("POST", integration))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/pets/42?q=query-value");
        request.Headers.Add("x-in", "acme");
        request.Headers.Add("x-multi", "original");
        request.Headers.Add("x-replaced", "old");
        request.Headers.Add("x-secret", "hunter2");
        request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client.SendAsync(request);
        var echo = await Echo(response);

        Assert.Equal("/pets/42", echo.GetProperty("path").GetString());
        Assert.Equal("?q=query-value", echo.GetProperty("query").GetString());
        Assert.Equal("fixed", Header(echo, "x-static"));
        Assert.Equal("acme", Header(echo, "x-from-header"));
        Assert.Equal("query-value", Header(echo, "x-from-query"));
        Assert.Equal("42", Header(echo, "x-from-path"));
        Assert.Equal("/pets/42", Header(echo, "x-whole-path"));
        Assert.Equal(response.Headers.GetValues("apigw-requestid").Single(), Header(echo, "x-from-context"));
        Assert.Equal("dev", Header(echo, "x-from-stage"));
        Assert.Equal("tenant-acme/dev", Header(echo, "x-combined"));
        Assert.Equal("original, added", Header(echo, "x-multi"));
        Assert.Equal("new", Header(echo, "x-replaced"));
        Assert.Equal("<absent>", Header(echo, "x-secret"));
        Assert.Equal("application/x-mapped", Header(echo, "content-type"));
        Assert.Equal("<absent>", Header(echo, "x-missing"));
    }

    [Fact]
    public async Task QueryStringAndPath_AppendOverwriteRemoveAndOverwritePath()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = HttpProxy($"{backend.Url}/ignored",
        [
            ("append:querystring.tag", "$request.header.x-tag"),
            ("overwrite:querystring.page", "1"),
            ("remove:querystring.debug", "''"),
            ("overwrite:path", "/v2/items/$request.path.id"),
        ]);
        var api = HttpApi("items", "$default", Resource("/items/{id}", ("GET", integration)));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items/7?tag=a&page=5&page=6&debug=true&keep=x");
        request.Headers.Add("x-tag", "b c");
        using var response = await gateway.Client.SendAsync(request);
        var echo = await Echo(response);
        Assert.Equal("/v2/items/7", echo.GetProperty("path").GetString());
        Assert.Equal("?tag=a&keep=x&tag=b%20c&page=1", echo.GetProperty("query").GetString());
    }

    [Fact]
    public async Task DefaultRoute_SendsTheFullRequestPath_GreedyUriTakesProxy()
    {
        await using var backend = await TestBackend.StartAsync();
        var api = HttpApi("site", "$default",
            Resource("/files/{proxy+}", ("ANY", HttpProxy($"{backend.Url}/store/{{proxy+}}"))),
            Resource("$default", ("ANY", HttpProxy($"{backend.Url}/base"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using (var greedy = await gateway.Client.GetAsync("/files/a/b%20c.txt?x=1"))
        {
            var echo = await Echo(greedy);
            Assert.Equal("/store/a/b%20c.txt?x=1", echo.GetProperty("rawTarget").GetString());
        }
        using var fallback = await gateway.Client.PostAsync("/store/checkout?cart=9", new StringContent("items"));
        var fallbackEcho = await Echo(fallback);
        Assert.Equal("POST", fallbackEcho.GetProperty("method").GetString());
        Assert.Equal("/base/store/checkout?cart=9", fallbackEcho.GetProperty("rawTarget").GetString());
        Assert.Equal("items", fallbackEcho.GetProperty("body").GetString());
    }

    [Fact]
    public async Task ResponseParameters_HeadersAndStatusByBackendStatus()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            var status = int.Parse(http.Request.Query["status"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            http.Response.StatusCode = status;
            http.Response.Headers["x-backend-id"] = "b-17";
            http.Response.Headers["x-internal"] = "secret";
            http.Response.Headers["x-list"] = "one";
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{\"order\":{\"id\":\"o-9\",\"total\":12.5},\"ok\":true}");
        });
        var integration = HttpProxy($"{backend.Url}/orders",
            responses:
            [
                ("200", [
                    ("append:header.x-list", "two"),
                    ("overwrite:header.x-copied", "id=$response.header.x-backend-id"),
                    ("remove:header.x-internal", "''"),
                    ("append:header.x-request", "$context.requestId"),
                    ("overwrite:statuscode", "204"),
                ]),
                ("201", [("overwrite:header.x-order", "$response.body.order.id"), ("append:header.x-total", "$response.body.order.total")]),
                ("500", [("overwrite:statuscode", "403"), ("append:header.x-stage", "$stageVariables.env")]),
            ]);
        var api = WithStageVariables(HttpApi("orders", "$default", Resource("/orders", ("GET", integration))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using (var ok = await gateway.Client.GetAsync("/orders?status=200"))
        {
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
            Assert.Equal(["one", "two"], ok.Headers.GetValues("x-list"));
            Assert.Equal("id=b-17", ok.Headers.GetValues("x-copied").Single());
            Assert.False(ok.Headers.Contains("x-internal"));
            Assert.Equal(ok.Headers.GetValues("apigw-requestid").Single(), ok.Headers.GetValues("x-request").Single());
        }
        using (var created = await gateway.Client.GetAsync("/orders?status=201"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("o-9", created.Headers.GetValues("x-order").Single());
            Assert.Equal("12.5", created.Headers.GetValues("x-total").Single());
            Assert.Equal("{\"order\":{\"id\":\"o-9\",\"total\":12.5},\"ok\":true}", await created.Content.ReadAsStringAsync());
        }
        using (var failed = await gateway.Client.GetAsync("/orders?status=500"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, failed.StatusCode);
            Assert.Equal("dev", failed.Headers.GetValues("x-stage").Single());
            Assert.Equal("secret", failed.Headers.GetValues("x-internal").Single());
        }
        using var unmapped = await gateway.Client.GetAsync("/orders?status=404");
        Assert.Equal(HttpStatusCode.NotFound, unmapped.StatusCode);
        Assert.Equal("secret", unmapped.Headers.GetValues("x-internal").Single());
        Assert.Contains("o-9", await unmapped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_Answers503ServiceUnavailable()
    {
        var never = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync(async http => await never.Task.WaitAsync(http.RequestAborted));
        var api = HttpApi("slow", "$default", Resource("/slow", ("GET", HttpProxy($"{backend.Url}/slow", timeoutInMillis: 200))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var response = await gateway.Client.GetAsync("/slow");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{\"message\":\"Service Unavailable\"}", await response.Content.ReadAsStringAsync());
        never.TrySetResult();
    }

    [Fact]
    public async Task BadMappingInConfig_GatewayDoesNotStartAndNamesTheRoute()
    {
        var integration = HttpProxy("http://127.0.0.1:9/x", [("append:header.Authorization", "x"), ("rename:header.y", "z")]);
        var api = HttpApi("bad", "$default", Resource("/x", ("GET", integration)));
        var error = await Assert.ThrowsAsync<Tollgate.Gateway.Hosting.InvalidConfigException>(async () => await RunningGateway.StartAsync(Config(api)));
        var problems = string.Join("\n", error.Problems);
        Assert.Contains("error: API 'bad', method 'GET /x': request parameter 'append:header.Authorization': 'Authorization' is a reserved header", problems, StringComparison.Ordinal);
        Assert.Contains("error: API 'bad', method 'GET /x': request parameter 'rename:header.y' is not append|overwrite|remove", problems, StringComparison.Ordinal);
    }
}
