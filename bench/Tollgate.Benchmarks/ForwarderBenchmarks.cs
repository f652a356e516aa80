using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Benchmarks;

/// <summary>
/// The forwarder's per-request work outside the sockets: the request context, the upstream
/// request with its headers, and the response head copied back.
/// </summary>
[MemoryDiagnoser]
public class ForwarderBenchmarks
{
    private static readonly Uri Target = new("http://127.0.0.1:18080/prod/0");

    private DefaultHttpContext _http = null!;
    private RequestContext _context = null!;
    private HttpResponseMessage _message = null!;
    private UpstreamResponse _response = null!;

    [GlobalSetup]
    public void Setup()
    {
        _http = new DefaultHttpContext();
        var request = _http.Request;
        request.Method = "GET";
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1:18083");
        request.Path = "/prod/0";
        // What a browser-like client sends.
        request.Headers["Host"] = "127.0.0.1:18083";
        request.Headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        request.Headers["Accept"] = "application/json, text/plain, */*";
        request.Headers["Accept-Language"] = "en-GB,en;q=0.5";
        request.Headers["Accept-Encoding"] = "gzip, deflate, br";
        request.Headers["Connection"] = "keep-alive";
        request.Headers["X-Request-Id"] = "f3b1c2d4-1111-2222-3333-444455556666";
        request.Headers["Cookie"] = "session=abc123; theme=dark";
        _http.Connection.RemoteIpAddress = IPAddress.Loopback;
        _http.Connection.LocalPort = 18083;
        _context = new RequestContext(_http, "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", DateTimeOffset.UnixEpoch, 0);

        _message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        // What nginx answers for a static file.
        _message.Headers.TryAddWithoutValidation("Server", "nginx/1.22.1");
        _message.Headers.TryAddWithoutValidation("Date", "Sat, 21 Nov 2026 19:40:22 GMT");
        _message.Headers.TryAddWithoutValidation("Connection", "keep-alive");
        _message.Headers.TryAddWithoutValidation("ETag", "\"6740f1a6-400\"");
        _message.Headers.TryAddWithoutValidation("Accept-Ranges", "bytes");
        _message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        _message.Content.Headers.TryAddWithoutValidation("Content-Length", "1024");
        _message.Content.Headers.TryAddWithoutValidation("Last-Modified", "Sat, 21 Nov 2026 19:40:22 GMT");
        _response = new HandlerUpstreamResponse(_message);
    }

    [GlobalCleanup]
    public void Cleanup() => _response.Dispose();

    [Benchmark(Description = "request context (id, clock)")]
    public object NewRequestContext() => new RequestContext(_http, RequestIds.New(), DateTimeOffset.UtcNow, 0);

    [Benchmark(Description = "upstream request with 8 headers + X-Forwarded-*")]
    public int CreateRequest()
    {
        var request = HttpForwarder.CreateRequest(_context.Http, new ForwardRequest("GET", new Tollgate.Gateway.Forwarding.Destination(Target, null!), null, TimeSpan.FromSeconds(29), 10 << 20, Tollgate.Gateway.Model.ServerSettings.DefaultUpgradeProtocols, Tollgate.Gateway.Integrations.ForwarderErrors.ForwardedFor(_context)), isUpgrade: false);
        return request.Headers.Count;
    }

    [Benchmark(Description = "upstream request, REST header table (HTTP_PROXY)")]
    public int CreateRequestRest()
    {
        var request = HttpForwarder.CreateRequest(_context.Http, new ForwardRequest("GET", new Tollgate.Gateway.Forwarding.Destination(Target, null!), null, TimeSpan.FromSeconds(29), 10 << 20, Tollgate.Gateway.Model.ServerSettings.DefaultUpgradeProtocols, Tollgate.Gateway.Integrations.ForwarderErrors.ForwardedFor(_context), RestHeaderRules: true, ApiId: _context.Stage?.Api.Id), isUpgrade: false);
        return request.Headers.Count;
    }

    [Benchmark(Description = "response head copy, REST header table (HTTP_PROXY)")]
    public int CopyResponseHeadRest()
    {
        _http.Response.Headers.Clear();
        HttpForwarder.CopyResponseHead(_response, _http.Response, restRules: true);
        return _http.Response.Headers.Count;
    }

    [Benchmark(Description = "trace id (X-Amzn-Trace-Id root)")]
    public string TraceId() => TraceIds.New(DateTimeOffset.UnixEpoch);

    [Benchmark(Description = "response head copy, 8 headers")]
    public int CopyResponseHead()
    {
        _http.Response.Headers.Clear();
        HttpForwarder.CopyResponseHead(_response, _http.Response);
        return _http.Response.Headers.Count;
    }
}
