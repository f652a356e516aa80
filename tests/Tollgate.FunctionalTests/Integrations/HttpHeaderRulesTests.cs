using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>
/// Headers across HTTP_PROXY, HTTP and MOCK integrations as real API Gateway treats them: the
/// developer guide's table ("Amazon API Gateway important notes for REST APIs") and what was
/// recorded from AWS (issue 19).
/// </summary>
public sealed class HttpHeaderRulesTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    [Fact]
    public async Task HttpProxy_ClientHeadersAwsStrips_DoNotReachTheBackend()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Config(Api("h", "prod", Resource("/h", ("POST", Proxy(backend.Url + "/h"))))));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/h") { Content = new StringContent("x") };
        Assert.True(request.Content.Headers.TryAddWithoutValidation("Content-MD5", "md5"));
        Assert.True(request.Content.Headers.TryAddWithoutValidation("Content-Encoding", "identity"));
        foreach (var (name, value) in new[] { ("Max-Forwards", "3"), ("Server", "client"), ("WWW-Authenticate", "Basic"), ("Via", "1.1 proxy"), ("Pragma", "no-cache"), ("x-amzn-apigateway-api-id", "spoofed") })
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        }
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = await EchoedHeadersAsync(response);
        foreach (var stripped in new[] { "Content-MD5", "Content-Encoding", "Max-Forwards", "Server", "WWW-Authenticate", "Via" })
        {
            Assert.False(headers.ContainsKey(stripped), stripped);
        }
        Assert.Equal("no-cache", headers["Pragma"]);
        Assert.Equal("h", headers["x-amzn-apigateway-api-id"]);
    }

    [Fact]
    public async Task HttpProxy_MappedHeaders_OneHostAndNoneOfTheDroppedOnes()
    {
        await using var backend = RawBackend.Start(x => x.WriteAsync(Ok));
        var proxy = Proxy(backend.Url + "/h",
            ("integration.request.header.Host", "'evil.example'"),
            ("integration.request.header.Connection", "'close'"),
            ("integration.request.header.TE", "'trailers'"),
            ("integration.request.header.Proxy-Authenticate", "'x'"),
            ("integration.request.header.Expect", "'100-continue'"),
            ("integration.request.header.X-Custom", "'mapped'"));
        await using var gateway = await RunningGateway.StartAsync(Config(Api("h", "prod", Resource("/h", ("GET", proxy)))));

        using var response = await gateway.Client.GetAsync("/prod/h");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = Assert.Single(backend.Heads).Split("\r\n");
        Assert.Equal(["Host: 127.0.0.1:" + backend.Port], lines.Where(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)));
        foreach (var dropped in new[] { "Connection:", "TE:", "Proxy-Authenticate:", "Expect:" })
        {
            Assert.DoesNotContain(lines, l => l.StartsWith(dropped, StringComparison.OrdinalIgnoreCase));
        }
        Assert.Contains("X-Custom: mapped", lines);
    }

    [Theory]
    [InlineData("Content-Length")]
    [InlineData("Transfer-Encoding")]
    public async Task HttpProxy_MappedFramingHeader_Answers500AndSendsNothing(string header)
    {
        await using var backend = RawBackend.Start(x => x.WriteAsync(Ok));
        var proxy = Proxy(backend.Url + "/h", ("integration.request.header." + header, "'5'"));
        await using var gateway = await RunningGateway.StartAsync(Config(Api("h", "prod", Resource("/h", ("GET", proxy)))));

        using var response = await gateway.Client.GetAsync("/prod/h");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Empty(backend.Heads);
    }

    [Fact]
    public async Task HttpProxy_BackendHeaders_RemappedOrDroppedByTheTable()
    {
        await using var backend = RawBackend.Start(x => x.WriteAsync(
            "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nx-amzn-RequestId: backend-id\r\nDate: Mon, 01 Jan 2001 00:00:00 GMT\r\n"
            + "Server: backend\r\nContent-MD5: md5\r\nUser-Agent: b\r\nVia: 1.1 cache\r\nAccept: text/plain\r\nX-Plain: yes\r\nContent-Length: 2\r\n\r\nok"));
        await using var gateway = await RunningGateway.StartAsync(Config(Api("h", "prod", Resource("/h", ("GET", Proxy(backend.Url + "/h"))))));

        using var response = await gateway.Client.GetAsync("/prod/h");

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("keep-alive", Header(response, "x-amzn-Remapped-Connection"));
        Assert.Equal("backend-id", Header(response, "x-amzn-Remapped-x-amzn-RequestId"));
        Assert.Equal("Mon, 01 Jan 2001 00:00:00 GMT", Header(response, "x-amzn-Remapped-Date"));
        Assert.Equal("backend", Header(response, "x-amzn-Remapped-Server"));
        Assert.Equal("md5", Header(response, "x-amzn-Remapped-Content-MD5"));
        Assert.Equal("b", Header(response, "x-amzn-Remapped-User-Agent"));
        Assert.Null(Header(response, "Via"));
        Assert.Equal("text/plain", Header(response, "Accept"));
        Assert.Equal("yes", Header(response, "X-Plain"));
        Assert.Matches("^[0-9a-f-]{36}$", Header(response, "x-amzn-RequestId"));
        Assert.NotNull(Header(response, "x-amz-apigw-id"));
        Assert.Equal(2, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData(null, "application/json")]
    [InlineData("'text/xml'", "text/xml")]
    public async Task Http_AcceptIsApplicationJsonUnlessMapped(string? mapped, string expected)
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/h", null, Response("default", 200)) with
        {
            RequestParameters = mapped is null ? ImmutableDictionary<string, string>.Empty : Map(("integration.request.header.Accept", mapped)),
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/h", "GET", integration)));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/h");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await EchoedHeadersAsync(response))["Accept"]);
    }

    [Fact]
    public async Task Http_MappedHeadersAwsDrops_DoNotReachTheBackend()
    {
        await using var backend = RawBackend.Start(x => x.WriteAsync(Ok));
        var integration = Http(backend.Url + "/h", null, Response("default", 200)) with
        {
            RequestParameters = Map(
                ("integration.request.header.Host", "'evil.example'"),
                ("integration.request.header.Connection", "'close'"),
                ("integration.request.header.TE", "'trailers'"),
                ("integration.request.header.Proxy-Authenticate", "'x'"),
                ("integration.request.header.Expect", "'100-continue'"),
                ("integration.request.header.X-Custom", "'mapped'")),
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/h", "GET", integration)));

        using var response = await gateway.Client.GetAsync("/prod/h");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = Assert.Single(backend.Heads).Split("\r\n");
        Assert.Equal(["Host: 127.0.0.1:" + backend.Port], lines.Where(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)));
        foreach (var dropped in new[] { "Connection:", "TE:", "Proxy-Authenticate:", "Expect:" })
        {
            Assert.DoesNotContain(lines, l => l.StartsWith(dropped, StringComparison.OrdinalIgnoreCase));
        }
        Assert.Contains("X-Custom: mapped", lines);
        Assert.Contains("x-amzn-apigateway-api-id: api", lines);
    }

    [Fact]
    public async Task Http_MappedContentLength_Answers500AndSendsNothing()
    {
        await using var backend = RawBackend.Start(x => x.WriteAsync(Ok));
        var integration = Http(backend.Url + "/h", null, Response("default", 200)) with
        {
            RequestParameters = Map(("integration.request.header.Content-Length", "'5'")),
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/h", "GET", integration)));

        using var response = await gateway.Client.GetAsync("/prod/h");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(backend.Heads);
    }

    [Fact]
    public async Task MethodResponseMappings_ReservedHeadersRemapped_ContentHeadersKept()
    {
        var mock = Mock("") with
        {
            Responses =
            [
                Response("default", 200, "",
                    ("method.response.header.Content-Length", "'5'"),
                    ("method.response.header.Content-Type", "'text/plain'"),
                    ("method.response.header.Content-Encoding", "'identity'"),
                    ("method.response.header.Content-MD5", "'bWQ1'"),
                    ("method.response.header.Server", "'mapped'"),
                    ("method.response.header.Date", "'Mon, 01 Jan 2001 00:00:00 GMT'"),
                    ("method.response.header.Transfer-Encoding", "'chunked'"),
                    ("method.response.header.X-Plain", "'yes'")),
            ],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/m", "GET", mock)));

        using var response = await gateway.Client.GetAsync("/prod/m");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal("5", Header(response, "x-amzn-Remapped-Content-Length"));
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Equal("text/plain", Header(response, "Content-Type"));
        Assert.Equal("identity", Header(response, "Content-Encoding"));
        Assert.Equal("bWQ1", Header(response, "Content-MD5"));
        Assert.Equal("mapped", Header(response, "x-amzn-Remapped-Server"));
        Assert.Equal("Mon, 01 Jan 2001 00:00:00 GMT", Header(response, "x-amzn-Remapped-Date"));
        Assert.False(response.Headers.TransferEncodingChunked ?? false);
        Assert.Equal("yes", Header(response, "X-Plain"));
    }

    private static async Task<Dictionary<string, string>> EchoedHeadersAsync(HttpResponseMessage response)
    {
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in echo.RootElement.GetProperty("headers").EnumerateObject())
        {
            headers[header.Name] = header.Value.GetString()!;
        }
        return headers;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
