using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;

namespace Tollgate.FunctionalTests;

/// <summary>An HTTP API export (tests/fixtures/http-api/shop-http-api.json) served unchanged through ConfigLoader.</summary>
public sealed class HttpApiExportTests
{
    private static string Fixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "http-api", "shop-http-api.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("tests/fixtures/http-api/shop-http-api.json");
    }

    private static async Task Backend(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (path == "/catalogue/missing")
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync("{\"message\":\"no such item\"}");
            return;
        }
        http.Response.Headers["x-catalogue-id"] = "cat-" + path.Split('/')[^1];
        http.Response.Headers["x-backend-version"] = "3.1";
        await TestBackend.EchoAsync(http);
    }

    private static async Task<RunningGateway> Start(TestBackend backend, List<string>? diagnostics = null)
    {
        var options = new LoadOptions
        {
            StageVariables = ImmutableDictionary<string, string>.Empty.Add("backend", backend.Url).Add("locale", "en-GB"),
        };
        var result = ConfigLoader.Load(Fixture(), options);
        diagnostics?.AddRange(result.Diagnostics.Select(d => d.ToString()));
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return await RunningGateway.StartAsync(() => new ConfigLoad(result.Config, result.Diagnostics, result.SourceFiles));
    }

    private static async Task<JsonElement> Echo(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.Clone();
    }

    [Fact]
    public async Task Export_LoadsAsHttpApiOnDefaultStage_WithOnlyExpectedWarnings()
    {
        await using var backend = await TestBackend.StartAsync(Backend);
        var diagnostics = new List<string>();
        await using var gateway = await Start(backend, diagnostics);
        Assert.All(diagnostics, d => Assert.StartsWith("warning:", d, StringComparison.Ordinal));
        using var response = await gateway.Client.GetAsync("/items");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/catalogue", (await Echo(response)).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Export_RouteWithMappings_RequestAndResponseMapped()
    {
        await using var backend = await TestBackend.StartAsync(Backend);
        await using var gateway = await Start(backend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items/42?debug=1&size=m");
        request.Headers.Add("x-client", "web");
        request.Headers.Add("Origin", "https://shop.example.com");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await Echo(response);
        Assert.Equal("/catalogue/42", echo.GetProperty("path").GetString());
        Assert.Equal("?size=m&locale=en-GB", echo.GetProperty("query").GetString());
        var headers = echo.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("shop-web", headers["x-client"]);
        Assert.Equal(response.Headers.GetValues("apigw-requestid").Single(), headers["x-request-id"]);
        Assert.Equal("cat-42", response.Headers.GetValues("x-item").Single());
        Assert.False(response.Headers.Contains("x-backend-version"));
        Assert.Equal("https://shop.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("x-item", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public async Task Export_BackendNotFound_StatusOverwrittenTo410()
    {
        await using var backend = await TestBackend.StartAsync(Backend);
        await using var gateway = await Start(backend);
        using var response = await gateway.Client.GetAsync("/items/missing");
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("discontinued", response.Headers.GetValues("x-reason").Single());
        Assert.Equal("{\"message\":\"no such item\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Export_GreedyAndDefaultRoutes_ProxyThePath()
    {
        await using var backend = await TestBackend.StartAsync(Backend);
        await using var gateway = await Start(backend);
        using (var files = await gateway.Client.PutAsync("/files/img/logo.png", new ByteArrayContent([1, 2, 3])))
        {
            var echo = await Echo(files);
            Assert.Equal("PUT", echo.GetProperty("method").GetString());
            Assert.Equal("/storage/img/logo.png", echo.GetProperty("path").GetString());
        }
        using var fallback = await gateway.Client.GetAsync("/checkout/basket?step=2");
        var fallbackEcho = await Echo(fallback);
        Assert.Equal("/legacy/checkout/basket", fallbackEcho.GetProperty("path").GetString());
        Assert.Equal("?step=2", fallbackEcho.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Export_Preflight_DefaultRouteTakesIt_WithTheApisCorsHeaders()
    {
        await using var backend = await TestBackend.StartAsync(Backend);
        await using var gateway = await Start(backend);
        using var request = new HttpRequestMessage(HttpMethod.Options, "/items/42");
        request.Headers.Add("Origin", "https://shop.example.com");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "x-client");
        using var response = await gateway.Client.SendAsync(request);
        // The $default route catches every method, OPTIONS included: as in AWS, the route wins and the
        // integration answers, with the API's CORS headers on its response.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OPTIONS", (await Echo(response)).GetProperty("method").GetString());
        Assert.Equal("https://shop.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
