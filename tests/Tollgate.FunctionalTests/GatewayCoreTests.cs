using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

public sealed class GatewayCoreTests
{
    [Fact]
    public async Task Routing_LiteralBeatsVariableBeatsGreedy()
    {
        // A REST API has one variable path part under a parent (the validator refuses a sibling
        // '{proxy+}' beside '{petId}', as API Gateway does); the same-level order of the route
        // table itself is in RouteTableTests.
        var config = Config(Api("pets", "prod",
            Resource("/pets/mine", ("GET", Mock("{\"route\":\"literal\"}"))),
            Resource("/pets/{petId}", ("GET", Mock("{\"route\":\"variable\"}"))),
            Resource("/pets/{petId}/{proxy+}", ("ANY", Mock("{\"route\":\"greedy\"}")))));
        await using var gateway = await RunningGateway.StartAsync(config);

        Assert.Equal("literal", await RouteOf(gateway, "/prod/pets/mine"));
        Assert.Equal("variable", await RouteOf(gateway, "/prod/pets/7"));
        Assert.Equal("greedy", await RouteOf(gateway, "/prod/pets/7/toys"));
    }

    [Fact]
    public async Task UnknownRoute_Answers403MissingAuthenticationToken()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(Api("pets", "prod", Resource("/pets", ("GET", Mock("{}"))))));

        foreach (var path in new[] { "/prod/nothing", "/other/pets", "/", "/prod" })
        {
            using var response = await gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("{\"message\":\"Missing Authentication Token\"}", await response.Content.ReadAsStringAsync());
            Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
            Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task HttpProxy_ForwardsPathQueryHeadersAndBody()
    {
        await using var backend = await TestBackend.StartAsync();
        var config = Config(Api("shop", "live",
            Resource("/orders/{proxy+}", ("ANY", Proxy(backend.Url + "/v1/{proxy}", ("integration.request.path.proxy", "method.request.path.proxy"))))));
        await using var gateway = await RunningGateway.StartAsync(config);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/live/orders/a%20b/items?x=1&x=2")
        {
            Content = new StringContent("{\"n\":1}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Custom", "kept");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = echo.RootElement;
        Assert.Equal("POST", root.GetProperty("method").GetString());
        Assert.Equal("/v1/a%20b/items?x=1&x=2", root.GetProperty("rawTarget").GetString());
        Assert.Equal("{\"n\":1}", root.GetProperty("body").GetString());
        var headers = root.GetProperty("headers");
        Assert.Equal("kept", headers.GetProperty("X-Custom").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("X-Forwarded-For").GetString());
        Assert.Equal("http", headers.GetProperty("X-Forwarded-Proto").GetString());
        Assert.Equal(gateway.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), headers.GetProperty("X-Forwarded-Port").GetString());
        Assert.Equal(backend.BaseUri.Authority, headers.GetProperty("Host").GetString());
        Assert.Equal("echo", response.Headers.GetValues("X-Backend").Single());
        Assert.Single(response.Headers.GetValues("x-amzn-RequestId"));
    }

    private static async Task<string?> RouteOf(RunningGateway gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("route").GetString();
    }
}
