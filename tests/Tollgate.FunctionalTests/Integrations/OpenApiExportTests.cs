using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>
/// tests/fixtures/integrations/petshop-export.json, an API Gateway export with mapping templates,
/// request validators, a Lambda proxy and a Lambda custom integration, served unchanged from a
/// Tollgate config file with a real backend and a real Lambda Invoke API server.
/// </summary>
public sealed class OpenApiExportTests : IAsyncLifetime
{
    private TestBackend _backend = null!;
    private TestLambda _lambda = null!;
    private RunningGateway _gateway = null!;
    private TempDirectory _dir = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.ContentType = "application/json";
            http.Response.Headers["X-Total"] = "2";
            var type = http.Request.Query["type"].ToString();
            await http.Response.WriteAsync(type == "cat"
                ? "[{\"id\": 2, \"type\": \"cat\", \"price\": 124.99}]"
                : "[{\"id\": 1, \"type\": \"dog\", \"price\": 249.99}, {\"id\": 2, \"type\": \"cat\", \"price\": 124.99}]");
        });
        _lambda = await TestLambda.StartAsync();
        _lambda.Function("create-pet", e => new LambdaReply(JsonSerializer.Serialize(new
        {
            statusCode = 201,
            headers = new Dictionary<string, string> { ["Location"] = "/pets/7" },
            body = JsonSerializer.Serialize(new { created = JsonDocument.Parse(e.GetProperty("body").GetString()!).RootElement, owner = e.GetProperty("headers").GetProperty("X-Owner").GetString() }),
        })));
        _lambda.Function("price", e => e.GetProperty("petId").GetString() == "1"
            ? new LambdaReply("{\"petId\": \"1\", \"amount\": 249.99, \"currency\": \"" + e.GetProperty("currency").GetString() + "\"}")
            : new LambdaReply("{\"errorMessage\": \"Unknown pet " + e.GetProperty("petId").GetString() + "\", \"errorType\": \"NotFound\"}", "Unhandled"));

        _dir = new TempDirectory();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "integrations", "petshop-export.json"), _dir.File("petshop.json"));
        var config = _dir.Write("tollgate.yaml", $"""
            lambda:
              endpoint: {_lambda.Url}
            apis:
              - name: petshop
                definition: petshop.json
                stages:
                  - stageName: live
                    variables:
                      backend: {_backend.Url}
                      shopName: Corner
                      currency: EUR
            """);
        _gateway = await RunningGateway.StartAsync(() =>
        {
            var result = ConfigLoader.Load(config, LoadOptions.Default);
            return new ConfigLoad(result.Config, result.Diagnostics, result.SourceFiles);
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _lambda.DisposeAsync();
        await _backend.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public void Export_ServedWithoutNotServedWarnings()
    {
        Assert.DoesNotContain(_gateway.Server.Warnings, w => w.Message.Contains("not served", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HttpIntegration_ResponseTemplateAndMappedQuery()
    {
        using var all = await _gateway.Client.GetAsync("/live/pets");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        using var mapped = JsonDocument.Parse(await all.Content.ReadAsStringAsync());
        Assert.Equal("Item 1 is a dog.", mapped.RootElement[0].GetProperty("description").GetString());
        Assert.Equal(124.99, mapped.RootElement[1].GetProperty("askingPrice").GetDouble());
        Assert.Equal("2", all.Headers.GetValues("X-Total").Single());

        using var cats = await _gateway.Client.GetAsync("/live/pets?type=cat");
        using var catList = JsonDocument.Parse(await cats.Content.ReadAsStringAsync());
        Assert.Equal(1, catList.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task LambdaProxy_BehindBodyAndParameterValidation()
    {
        using var created = await _gateway.Client.SendAsync(Post("{\"type\": \"dog\", \"price\": 10}", owner: "ann"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/pets/7", created.Headers.Location?.OriginalString);
        Assert.Equal("{\"created\":{\"type\":\"dog\",\"price\":10},\"owner\":\"ann\"}", await created.Content.ReadAsStringAsync());

        using var noOwner = await _gateway.Client.SendAsync(Post("{\"type\": \"dog\", \"price\": 10}", owner: null));
        Assert.Equal(HttpStatusCode.BadRequest, noOwner.StatusCode);
        Assert.Equal("{\"message\":\"Missing required request parameters: [X-Owner]\"}", await noOwner.Content.ReadAsStringAsync());

        using var badBody = await _gateway.Client.SendAsync(Post("{\"type\": \"parrot\"}", owner: "ann"));
        Assert.Equal((HttpStatusCode)422, badBody.StatusCode);
        using var error = JsonDocument.Parse(await badBody.Content.ReadAsStringAsync());
        Assert.Equal("Invalid request body", error.RootElement.GetProperty("message").GetString());
        Assert.Contains("missing required properties ([\"price\"])", error.RootElement.GetProperty("errors").GetString(), StringComparison.Ordinal);
        Assert.Contains("instance value (\"parrot\") not found in enum", error.RootElement.GetProperty("errors").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, _lambda.CountOf("arn:aws:lambda:eu-west-1:123456789012:function:create-pet"));
    }

    [Fact]
    public async Task Mock_TemplatesWithStageVariables_AndPassthroughNever()
    {
        using var pet = await _gateway.Client.GetAsync("/live/pets/5");
        Assert.Equal(HttpStatusCode.OK, pet.StatusCode);
        Assert.Equal("{\"id\": \"5\", \"type\": \"dog\", \"shop\": \"Corner\"}", await pet.Content.ReadAsStringAsync());
        Assert.Equal("live", pet.Headers.GetValues("X-Stage").Single());

        using var none = await _gateway.Client.GetAsync("/live/pets/0");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("{\"message\": \"No pet 0\"}", await none.Content.ReadAsStringAsync());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/live/pets/5") { Content = new StringContent("x", Encoding.UTF8, "text/plain") };
        using var unsupported = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal("{\"message\":\"Unsupported Media Type\"}", await unsupported.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LambdaCustomIntegration_TemplatesAndErrorPattern()
    {
        using var price = await _gateway.Client.GetAsync("/live/price?petId=1");
        Assert.Equal(HttpStatusCode.OK, price.StatusCode);
        Assert.Equal("{\"petId\": \"1\", \"price\": \"249.99 EUR\"}", await price.Content.ReadAsStringAsync());

        using var unknown = await _gateway.Client.GetAsync("/live/price?petId=9");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("{\"message\": \"Unknown pet 9\"}", await unknown.Content.ReadAsStringAsync());

        using var missing = await _gateway.Client.GetAsync("/live/price");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    private static HttpRequestMessage Post(string body, string? owner)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/live/pets") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (owner is not null)
        {
            request.Headers.Add("X-Owner", owner);
        }
        return request;
    }
}
