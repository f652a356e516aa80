using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

/// <summary>HTTP API (v2) route selection and stages, after AWS's example in http-api-develop-routes.md.</summary>
public sealed class HttpApiRoutingTests
{
    // MOCK templates are Velocity: a literal "$default" would be an (empty) reference, so the name
    // goes through a single-quoted string, which Velocity does not interpolate.
    private static Integration Named(string route) => Mock($"#set($route = '{route}'){{\"route\":\"$route\"}}");

    private static Api AwsExample(string stage = "$default") => HttpApi("pets", stage,
        Resource("/pets/dog/{id}", ("GET", Named("GET /pets/dog/{id}"))),
        Resource("/pets/{proxy+}", ("GET", Named("GET /pets/{proxy+}"))),
        Resource("/{proxy+}", ("ANY", Named("ANY /{proxy+}"))),
        Resource("$default", ("ANY", Named("$default"))));

    private static async Task<string> RouteOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("route").GetString()!;
    }

    [Theory]
    [InlineData("GET", "/pets/dog/1", "GET /pets/dog/{id}")]
    [InlineData("GET", "/pets/cat/1", "GET /pets/{proxy+}")]
    [InlineData("POST", "/test/5", "ANY /{proxy+}")]
    [InlineData("DELETE", "/pets/dog/1", "ANY /{proxy+}")]
    [InlineData("GET", "/", "$default")]
    public async Task DefaultStage_AwsExample_MostSpecificThenGreedyThenDefaultRoute(string method, string path, string expected)
    {
        await using var gateway = await RunningGateway.StartAsync(Config(AwsExample()));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(expected, await RouteOf(response));
        Assert.True(response.Headers.Contains("apigw-requestid"));
        Assert.False(response.Headers.Contains("x-amzn-RequestId"));
    }

    [Fact]
    public async Task NoRoute_Answers404NotFoundWithoutErrorType()
    {
        var api = HttpApi("notes", "$default", Resource("/notes", ("GET", Named("GET /notes"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        foreach (var (method, path) in new[] { ("GET", "/other"), ("POST", "/notes"), ("GET", "/notes/"), ("GET", "/Notes") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("{\"message\":\"Not Found\"}", await response.Content.ReadAsStringAsync());
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains("x-amzn-ErrorType"));
            Assert.True(response.Headers.Contains("apigw-requestid"));
        }
    }

    [Fact]
    public async Task NamedAndDefaultStages_NamedStageFirstThenDefaultTakesTheWholePath()
    {
        var api = AwsExample() with { Stages = [new Stage { StageName = "$default" }, new Stage { StageName = "beta" }] };
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using (var beta = await gateway.Client.GetAsync("/beta/pets/dog/1"))
        {
            Assert.Equal("GET /pets/dog/{id}", await RouteOf(beta));
        }
        using var root = await gateway.Client.GetAsync("/other/pets/dog/1");
        Assert.Equal("ANY /{proxy+}", await RouteOf(root));
    }

    [Fact]
    public async Task DefaultStage_BesideRestApi_RestStagesStillServedByName()
    {
        var rest = Api("shop", "prod", Resource("/items", ("GET", Mock("{\"route\":\"rest\"}"))));
        await using var gateway = await RunningGateway.StartAsync(Config(rest, AwsExample()));
        using (var byStage = await gateway.Client.GetAsync("/prod/items"))
        {
            Assert.Equal("rest", await RouteOf(byStage));
        }
        using var unprefixed = await gateway.Client.GetAsync("/items");
        Assert.Equal("ANY /{proxy+}", await RouteOf(unprefixed));
    }

    [Fact]
    public async Task ExecuteApiHost_UnknownStageOfHttpApi_Answers404()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(AwsExample(stage: "live")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/other/pets/dog/1");
        request.Headers.Host = "pets.execute-api.eu-west-1.amazonaws.com";
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{\"message\":\"Not Found\"}", await response.Content.ReadAsStringAsync());

        using var live = new HttpRequestMessage(HttpMethod.Get, "/live/pets/dog/1");
        live.Headers.Host = "pets.execute-api.eu-west-1.amazonaws.com";
        using var served = await gateway.Client.SendAsync(live);
        Assert.Equal("GET /pets/dog/{id}", await RouteOf(served));
    }

    [Fact]
    public async Task CustomDomain_MapsBasePathToDefaultStage()
    {
        var config = Config(AwsExample()) with
        {
            DomainNames = [new DomainName { Name = "api.example.com", BasePathMappings = [new BasePathMapping { BasePath = "v1", RestApiId = "pets", Stage = "$default" }] }],
        };
        await using var gateway = await RunningGateway.StartAsync(config);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/pets/dog/1");
        request.Headers.Host = "api.example.com";
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal("GET /pets/dog/{id}", await RouteOf(response));
    }
}
