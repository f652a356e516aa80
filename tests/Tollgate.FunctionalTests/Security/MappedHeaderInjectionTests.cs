using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// A header mapped from the client's input whose value has CR, LF or NUL: never sent (no header or
/// request can be injected), answered as API Gateway answers it, 500 <c>Internal server error</c>.
/// </summary>
public sealed class MappedHeaderInjectionTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _received = new();
    private TestBackend _backend = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync(async http =>
        {
            _received.Enqueue($"{http.Request.Path} X-A={http.Request.Headers["X-A"]} Evil={http.Request.Headers["Evil"]}");
            await http.Response.WriteAsync("ok");
        });
        var proxy = Proxy(_backend.Url + "/proxy", ("integration.request.header.X-A", "method.request.querystring.a"));
        var http = Http(_backend.Url + "/http", null, Response("default", 200)) with
        {
            HttpMethod = "GET",
            RequestParameters = Map(("integration.request.header.X-A", "method.request.querystring.a")),
        };
        var httpApi = HttpProxy(_backend.Url + "/v2", request: [("overwrite:header.X-A", "$request.querystring.a")]);
        _gateway = await RunningGateway.StartAsync(Config(
            Api("rest", "prod", Resource("/proxy", ("GET", proxy)), Resource("/http", ("GET", http))),
            HttpApi("v2", "v2", Resource("/v2", ("GET", httpApi)))));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    public static TheoryData<string, string> Routes => new()
    {
        { "/prod/proxy", "x%0d%0aEvil:%201" },
        { "/prod/proxy", "x%0aEvil:%201" },
        { "/prod/proxy", "x%0dEvil" },
        { "/prod/proxy", "x%00y" },
        { "/prod/http", "x%0d%0aEvil:%201" },
        { "/prod/http", "x%00y" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task RestApi_LineBreakOrNulInMappedHeader_500NotSent(string path, string value)
    {
        var (status, response) = await RawHttp.GetAsync(_gateway.BaseUri.Port, $"{path}?a={value}");

        Assert.Equal(500, status);
        Assert.Contains("x-amzn-ErrorType: InternalServerErrorException", response, StringComparison.Ordinal);
        Assert.EndsWith("{\"message\":\"Internal server error\"}", response, StringComparison.Ordinal);
        Assert.Empty(_received);
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains("integration request not sent: the request header 'X-A' has a line break or NUL in its value", StringComparison.Ordinal));
        Assert.DoesNotContain(_gateway.Logs.Lines, l => l.Contains("Evil", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HttpApi_LineBreakInMappedHeader_500NotSent()
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.BaseUri.Port,
            "GET /v2/v2?a=x%0d%0aEvil:%201 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.Equal(500, status);
        Assert.EndsWith("{\"message\":\"Internal Server Error\"}", response, StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Theory]
    [InlineData("/prod/proxy", "/proxy X-A=x y Evil=")]
    [InlineData("/prod/http", "/http X-A=x y Evil=")]
    public async Task RestApi_PlainMappedHeader_Sent(string path, string received)
    {
        var (status, _) = await RawHttp.GetAsync(_gateway.BaseUri.Port, $"{path}?a=x%20y");

        Assert.Equal(200, status);
        Assert.Equal([received], _received.ToArray());
    }
}
