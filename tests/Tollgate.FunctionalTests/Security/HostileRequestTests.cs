using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>Methods a catch-all must not carry, and client bodies that are the client's fault.</summary>
public sealed class HostileRequestTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _received = new();
    private TestBackend _backend = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync(async http =>
        {
            _received.Enqueue(http.Request.Method + " " + http.Request.Path);
            await http.Request.Body.CopyToAsync(Stream.Null);
            await http.Response.WriteAsync("ok");
        });
        _gateway = await RunningGateway.StartAsync(Config(Api("api", "prod",
            Resource("/{proxy+}", ("ANY", Proxy(_backend.Url + "/{proxy}", ("integration.request.path.proxy", "method.request.path.proxy")))))));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    [InlineData("PROPFIND")]
    public async Task MethodOutsideAny_NotForwarded_403(string method)
    {
        var (status, response) = await RawHttp.GetAsync(_gateway.BaseUri.Port, "/prod/files/a", method);

        Assert.Equal(403, status);
        Assert.Contains("Missing Authentication Token", response, StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task AwsMethodOnAny_Forwarded()
    {
        var (status, _) = await RawHttp.GetAsync(_gateway.BaseUri.Port, "/prod/files/a", "DELETE");

        Assert.Equal(200, status);
        Assert.Equal(["DELETE /files/a"], _received.ToArray());
    }

    [Theory]
    [InlineData("zz\r\nabc\r\n0\r\n\r\n")]                       // not a chunk size
    [InlineData("3\nabc\r\n0\r\n\r\n")]                           // a bare LF after the size
    [InlineData("ffffffffffffffffff\r\nabc\r\n0\r\n\r\n")]        // a size that overflows 64 bits
    public async Task MalformedChunkedBody_400NotGatewayTimeout(string body)
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.BaseUri.Port,
            "POST /prod/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body);

        Assert.Equal(400, status);
        Assert.DoesNotContain("Network error communicating with endpoint", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ffffffffffffffffff\r\nabc\r\n0\r\n\r\n")]
    [InlineData("zz\r\nabc\r\n0\r\n\r\n")]
    public async Task MalformedChunkedBody_ReadWholeForATemplate_400(string body)
    {
        // An HTTP integration reads the body whole (for its template) before anything is sent.
        await using var gateway = await RunningGateway.StartAsync(Config(Api("t", "prod",
            Resource("/t", ("POST", IntegrationModels.Http(_backend.Url + "/t", "$input.body", IntegrationModels.Response("default", 200)))))));

        var (status, response) = await RawHttp.SendAsync(gateway.BaseUri.Port,
            "POST /prod/t HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body);

        Assert.Equal(400, status);
        Assert.EndsWith("{\"message\":\"Bad Request\"}", response, StringComparison.Ordinal);
        Assert.Empty(_received);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET /prod/files/a HTTP/1.1\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")]      // ends the request line
    [InlineData("GET /prod/files/a HTTP/1.1\r\nHost: 127.0.0.1\nConnection: close\r\n\r\n")]      // ends a header line
    [InlineData("GET /prod/files/a HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\n")]      // ends the head
    public async Task BareLf_400(string request)
    {
        var (status, _) = await RawHttp.SendAsync(_gateway.BaseUri.Port, request);

        Assert.Equal(400, status);
        Assert.Empty(_received);
    }

    [Theory]
    [InlineData("/prod/files/a#/../../admin")]
    [InlineData("/prod/files/a#frag")]
    public async Task RawHashInTarget_400(string target)
    {
        var (status, _) = await RawHttp.GetAsync(_gateway.BaseUri.Port, target);

        Assert.Equal(400, status);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task WellFormedChunkedBody_Forwarded()
    {
        var (status, _) = await RawHttp.SendAsync(_gateway.BaseUri.Port,
            "POST /prod/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n");

        Assert.Equal(200, status);
        Assert.Equal(["POST /upload"], _received.ToArray());
    }
}
