using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

/// <summary>x-amazon-apigateway-cors: preflight answered by the gateway, CORS headers on every response.</summary>
public sealed class HttpApiCorsTests
{
    private const string Origin = "https://notes.example.com";

    private const string Cors = """
        {"allowOrigins": ["https://notes.example.com", "https://*.preview.example.com"], "allowCredentials": true,
         "exposeHeaders": ["x-request-id"], "maxAge": 300, "allowMethods": ["DELETE", "GET"],
         "allowHeaders": ["authorization", "content-type"]}
        """;

    private static HttpRequestMessage Preflight(string path, string origin, string method, string? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", headers);
        }
        return request;
    }

    private static string? Get(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static bool HasCorsHeaders(HttpResponseMessage response) =>
        response.Headers.Any(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Preflight_AllowedWithoutOptionsRoute_Answers204WithCorsHeaders()
    {
        var api = HttpApi("notes", "$default", Resource("/notes/{id}", ("DELETE", Mock("{}")))).WithCors(Cors);
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var request = Preflight("/notes/7", Origin, "DELETE", "Authorization, Content-Type");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Origin, Get(response, "Access-Control-Allow-Origin"));
        Assert.Equal("DELETE,GET", Get(response, "Access-Control-Allow-Methods"));
        Assert.Equal("authorization,content-type", Get(response, "Access-Control-Allow-Headers"));
        Assert.Equal("300", Get(response, "Access-Control-Max-Age"));
        Assert.Equal("true", Get(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("Origin", Get(response, "Vary"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Preflight_WildcardOriginPattern_Allowed()
    {
        var api = HttpApi("notes", "$default", Resource("/notes", ("GET", Mock("{}")))).WithCors(Cors);
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var request = Preflight("/notes", "https://pr-12.preview.example.com", "GET");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://pr-12.preview.example.com", Get(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example.com", "GET", null)]
    [InlineData(Origin, "PUT", null)]
    [InlineData(Origin, "GET", "x-custom")]
    public async Task Preflight_Disallowed_Answers204WithoutCorsHeaders(string origin, string method, string? headers)
    {
        var api = HttpApi("notes", "$default", Resource("/notes", ("GET", Mock("{}")))).WithCors(Cors);
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var request = Preflight("/notes", origin, method, headers);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(HasCorsHeaders(response));
    }

    [Fact]
    public async Task Preflight_RouteTakesOptions_IntegrationAnswersWithTheApisCorsHeaders()
    {
        await using var backend = await TestBackend.StartAsync(http =>
        {
            http.Response.Headers["Access-Control-Allow-Origin"] = "*";
            http.Response.Headers["Access-Control-Allow-Methods"] = "PATCH";
            http.Response.StatusCode = 200;
            return http.Response.WriteAsync("from backend");
        });
        var api = HttpApi("notes", "$default", Resource("/{proxy+}", ("ANY", HttpProxy($"{backend.Url}/{{proxy}}")))).WithCors(Cors);
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var request = Preflight("/notes", Origin, "GET");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from backend", await response.Content.ReadAsStringAsync());
        Assert.Equal(Origin, Get(response, "Access-Control-Allow-Origin"));
        Assert.Null(Get(response, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task SimpleRequest_CorsHeadersOnSuccessNotFoundAndGatewayErrors()
    {
        var api = HttpApi("notes", "$default",
            Resource("/notes", ("GET", Mock("{\"ok\":true}"))),
            Resource("/broken", ("GET", new Integration { Type = IntegrationType.HttpProxy, Uri = "http://${stageVariables.missing}/x", HttpMethod = "GET" }))).WithCors(Cors);
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        foreach (var (path, status) in new[] { ("/notes", HttpStatusCode.OK), ("/nothing", HttpStatusCode.NotFound), ("/broken", HttpStatusCode.InternalServerError) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Origin", Origin);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(Origin, Get(response, "Access-Control-Allow-Origin"));
            Assert.Equal("true", Get(response, "Access-Control-Allow-Credentials"));
            Assert.Equal("x-request-id", Get(response, "Access-Control-Expose-Headers"));
            Assert.Equal("Origin", Get(response, "Vary"));
            Assert.Null(Get(response, "Access-Control-Max-Age"));
        }
    }

    [Fact]
    public async Task ProxiedError_BackendCorsHeadersReplaced()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.StatusCode = 502;
            http.Response.Headers["Access-Control-Allow-Origin"] = "*";
            http.Response.Headers["Access-Control-Expose-Headers"] = "x-everything";
            http.Response.Headers["Vary"] = "Accept-Encoding";
            await http.Response.WriteAsync("upstream broke");
        });
        var api = HttpApi("notes", "$default", Resource("/notes", ("GET", HttpProxy($"{backend.Url}/notes")))).WithCors(Cors);
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/notes");
        request.Headers.Add("Origin", Origin);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream broke", await response.Content.ReadAsStringAsync());
        Assert.Equal(Origin, Get(response, "Access-Control-Allow-Origin"));
        Assert.Equal("x-request-id", Get(response, "Access-Control-Expose-Headers"));
        Assert.Equal("Accept-Encoding,Origin", Get(response, "Vary"));

        using var stranger = new HttpRequestMessage(HttpMethod.Get, "/notes");
        stranger.Headers.Add("Origin", "https://evil.example.com");
        using var refused = await gateway.Client.SendAsync(stranger);
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.False(HasCorsHeaders(refused));
    }

    [Fact]
    public async Task NoCorsConfig_PreflightIsAnOrdinaryRequest()
    {
        var api = HttpApi("notes", "$default", Resource("/notes", ("GET", Mock("{}"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var request = Preflight("/notes", Origin, "GET");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(HasCorsHeaders(response));
    }
}
