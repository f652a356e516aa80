using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

public sealed class RoutingTests
{
    private static GatewayConfig DomainConfig()
    {
        var orders = Api("orders", "live", Resource("/list", ("GET", Mock("{\"api\":\"orders\"}"))), Resource("/", ("GET", Mock("{\"api\":\"orders-root\"}"))));
        var ordersV2 = Api("orders2", "beta", Resource("/list", ("GET", Mock("{\"api\":\"orders-v2\"}"))));
        var site = Api("site", "prod", Resource("/{proxy+}", ("ANY", Mock("{\"api\":\"site\"}"))));
        return Config(orders, ordersV2, site) with
        {
            DomainNames =
            [
                new DomainName
                {
                    Name = "api.example.com",
                    BasePathMappings =
                    [
                        new BasePathMapping { BasePath = "shop", RestApiId = "orders", Stage = "live" },
                        new BasePathMapping { BasePath = "shop/v2", RestApiId = "orders2", Stage = "beta" },
                        new BasePathMapping { BasePath = "", RestApiId = "site", Stage = "prod" },
                    ],
                },
                new DomainName
                {
                    Name = "only.example.com",
                    BasePathMappings = [new BasePathMapping { BasePath = "orders", RestApiId = "orders", Stage = "live" }],
                },
            ],
        };
    }

    [Theory]
    [InlineData("api.example.com", "/shop/list", "orders")]
    [InlineData("api.example.com", "/shop/", "orders-root")]
    [InlineData("api.example.com", "/shop", "orders-root")]
    [InlineData("API.Example.com:8443", "/shop/v2/list", "orders-v2")]
    [InlineData("api.example.com", "/shopping/list", "site")]
    [InlineData("api.example.com", "/anything/else", "site")]
    [InlineData("orders.execute-api.eu-west-1.amazonaws.com", "/live/list", "orders")]
    [InlineData("localhost", "/beta/list", "orders-v2")]
    public async Task BasePathMapping_ChoosesLongestMatchByHost(string host, string path, string expected)
    {
        await using var gateway = await RunningGateway.StartAsync(DomainConfig());
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, body.RootElement.GetProperty("api").GetString());
    }

    [Theory]
    [InlineData("only.example.com", "/other/list")]
    [InlineData("only.example.com", "/live/list")]
    [InlineData("site.execute-api.local", "/live/list")]
    public async Task BasePathMapping_NoMatch_Answers403(string host, string path)
    {
        await using var gateway = await RunningGateway.StartAsync(DomainConfig());
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("tenant-a.example.org", "/list", "wild")]
    [InlineData("TENANT-B.Example.org:8443", "/list", "wild")]
    [InlineData("vip.example.org", "/list", "exact")]
    [InlineData("a.b.example.org", "/list", null)]
    [InlineData("example.org", "/list", null)]
    public async Task WildcardDomain_MatchesOneLabelBelow_ExactNameWins(string host, string path, string? expected)
    {
        var wild = Api("wild", "live", Resource("/list", ("GET", Mock("{\"api\":\"wild\",\"domain\":\"$context.domainName\"}"))));
        var exact = Api("exact", "live", Resource("/list", ("GET", Mock("{\"api\":\"exact\"}"))));
        var config = Config(wild, exact) with
        {
            DomainNames =
            [
                new DomainName { Name = "*.example.org", BasePathMappings = [new BasePathMapping { RestApiId = "wild", Stage = "live" }] },
                new DomainName { Name = "vip.example.org", BasePathMappings = [new BasePathMapping { RestApiId = "exact", Stage = "live" }] },
            ],
        };
        await using var gateway = await RunningGateway.StartAsync(config);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await gateway.Client.SendAsync(request);
        if (expected is null)
        {
            // Not a custom domain: the path's first segment would have to be a stage.
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, body.RootElement.GetProperty("api").GetString());
        if (expected == "wild")
        {
            // $context.domainName is the host the client asked for, not the wildcard.
            Assert.Equal(host.Split(':')[0], body.RootElement.GetProperty("domain").GetString());
        }
    }

    [Fact]
    public async Task Method_NotDefinedOnResource_Answers403AndAnyCatchesTheRest()
    {
        var api = Api("pets", "prod",
            Resource("/pets", ("GET", Mock("{\"m\":\"get\"}"))),
            Resource("/toys", ("GET", Mock("{\"m\":\"get\"}")), ("ANY", Mock("{\"m\":\"any\"}"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var post = await gateway.Client.PostAsync("/prod/pets", null);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        using var delete = await gateway.Client.DeleteAsync("/prod/toys");
        Assert.Equal("{\"m\":\"any\"}", await delete.Content.ReadAsStringAsync());
        using var get = await gateway.Client.GetAsync("/prod/toys/");
        Assert.Equal("{\"m\":\"get\"}", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Parameters_MapPathQueryHeaderStaticContextAndStageVariables()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Proxy("${stageVariables.backend}/items/{id}",
            ("integration.request.path.id", "method.request.path.itemId"),
            ("integration.request.querystring.color", "method.request.header.X-Color"),
            ("integration.request.header.X-Static", "'fixed value'"),
            ("integration.request.header.X-Stage", "context.stage"),
            ("integration.request.header.X-Tenant", "stageVariables.tenant"),
            ("integration.request.header.X-Q", "method.request.querystring.q"));
        var api = Api("shop", "live", Resource("/things/{itemId}", ("GET", integration))) with
        {
            Stages = [new Stage { StageName = "live", Variables = ImmutableDictionary<string, string>.Empty.Add("backend", backend.Url).Add("tenant", "acme") }],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/live/things/42?q=first&q=last");
        request.Headers.Add("X-Color", "blue green");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = echo.RootElement;
        Assert.Equal("/items/42?q=first&q=last&color=blue%20green", root.GetProperty("rawTarget").GetString());
        var headers = root.GetProperty("headers");
        Assert.Equal("fixed value", headers.GetProperty("X-Static").GetString());
        Assert.Equal("live", headers.GetProperty("X-Stage").GetString());
        Assert.Equal("acme", headers.GetProperty("X-Tenant").GetString());
        Assert.Equal("last", headers.GetProperty("X-Q").GetString());
    }

    [Fact]
    public async Task StageVariable_UndefinedInThePath_RendersEmpty_AsApiGatewayDoes()
    {
        await using var backend = await TestBackend.StartAsync();
        var api = Api("shop", "live", Resource("/x", ("GET", Proxy(backend.Url + "/v${stageVariables.version}/x?tier=${stageVariables.tier}"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var response = await gateway.Client.GetAsync("/live/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("/v/x?tier=", echo.RootElement.GetProperty("rawTarget").GetString());
    }

    [Fact]
    public async Task StageVariable_Missing_Answers500ConfigurationErrorAndLogsWhy()
    {
        var api = Api("shop", "live", Resource("/x", ("GET", Proxy("${stageVariables.backend}/x"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var response = await gateway.Client.GetAsync("/live/x");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("stage variable 'backend' is not defined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GreedyPath_PassesRestOfPathWithSlashesAndEncoding()
    {
        await using var backend = await TestBackend.StartAsync();
        var api = Api("files", "v1", Resource("/files/{path+}", ("ANY", Proxy(backend.Url + "/store/{path}", ("integration.request.path.path", "method.request.path.path")))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var response = await gateway.Client.GetAsync("/v1/files/a/b%2Fc/d.txt");
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("/store/a/b%2Fc/d.txt", echo.RootElement.GetProperty("rawTarget").GetString());
        using var root = await gateway.Client.GetAsync("/v1/files");
        Assert.Equal(HttpStatusCode.Forbidden, root.StatusCode);
    }
}
