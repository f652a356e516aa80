using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// Dot-segments in every spelling, sent byte for byte as an attacker sends them (a raw socket:
/// HttpClient would resolve them itself), against a public greedy route and plain parameters on
/// one backend. What is asserted is the exact request target the backend receives, or that it
/// receives nothing.
/// </summary>
public sealed class PathTraversalTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _received = new();
    private TestBackend _backend = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync(async http =>
        {
            var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
            _received.Enqueue(target);
            await http.Response.WriteAsync(target);
        });
        var b = _backend.Url;
        var rest = Api("files", "prod",
            Resource("/files/{proxy+}", ("GET", Proxy(b + "/v1/files/{proxy}", ("integration.request.path.proxy", "method.request.path.proxy")))),
            Resource("/orders/{id}", ("GET", Proxy(b + "/v1/orders/{id}", ("integration.request.path.id", "method.request.path.id")))),
            Resource("/items/{id}", ("GET", Http(b + "/v1/items/{id}", null, Response("default", 200)) with
            {
                HttpMethod = "GET",
                RequestParameters = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("integration.request.path.id", "method.request.path.id"),
            })));
        _gateway = await RunningGateway.StartAsync(Config(rest));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    // Resolved before routing, as nginx and Envoy do: what is left names no stage or route.
    [InlineData("/prod/files/../../admin", 403)]
    [InlineData("/prod/files/%2e%2e/%2e%2e/admin", 403)]
    [InlineData("/prod/files/%2E%2E/%2E%2E/admin", 403)]
    [InlineData("/prod/files/.%2E/%2e./admin", 403)]
    [InlineData("/prod/files/./../../admin", 403)]
    [InlineData("/prod/orders/%2e%2e", 403)]
    [InlineData("/prod/orders/..", 403)]
    [InlineData("/prod/items/%2E%2e", 403)]
    // A '..' above the root, malformed or non-UTF-8 encodings: refused.
    [InlineData("/prod/../../admin", 400)]
    [InlineData("/prod/files/%zz/admin", 400)]
    [InlineData("/prod/files/a%2", 400)]
    [InlineData("/prod/files/%c0%ae%c0%ae/admin", 400)]
    [InlineData("/prod/files/%e0%80%ae/admin", 400)]
    // Dot-segments behind separators a backend may honour, or behind segment parameters: refused.
    [InlineData("/prod/files/..\\..\\admin", 400)]
    [InlineData("/prod/files/..%5c..%5cadmin", 400)]
    [InlineData("/prod/files/..%5C..%5Cadmin", 400)]
    [InlineData("/prod/files/..%2f..%2fadmin", 400)]
    [InlineData("/prod/files/a/%2e%2e%2F%2e%2e%2Fadmin", 400)]
    [InlineData("/prod/files/..;x/admin", 400)]
    [InlineData("/prod/files/..%3bx/admin", 400)]
    [InlineData("/prod/orders/..%2F..%2Fadmin", 400)]
    [InlineData("/prod/orders/..%5Cadmin", 400)]
    [InlineData("/prod/orders/.%2e;jsessionid=1", 400)]
    [InlineData("/prod/items/..%2Fadmin", 400)]
    [InlineData("/prod/items/..\\admin", 400)]
    public async Task DotSegment_AnySpelling_NeverReachesTheBackend(string target, int status)
    {
        var (code, _) = await RawHttp.GetAsync(_gateway.BaseUri.Port, target);

        Assert.Equal(status, code);
        Assert.Empty(_received);
    }

    [Theory]
    // A dot-segment that stays inside the API is the request it amounts to: that route's, with that route's protection.
    [InlineData("/prod/files/../orders/7", "/v1/orders/7")]
    [InlineData("/prod/files/%2e%2e/orders/%2E/7", "/v1/orders/7")]
    [InlineData("/prod/orders/1/../../files/x/./y", "/v1/files/x/y")]
    [InlineData("/prod/files/../items/5", "/v1/items/5")]
    // Encoded twice: data at this level, sent as it came (a backend that decodes twice is its own bug).
    [InlineData("/prod/files/%252e%252e/admin", "/v1/files/%252e%252e/admin")]
    [InlineData("/prod/orders/%252e%252e", "/v1/orders/%252e%252e")]
    [InlineData("/prod/items/%252E%252E", "/v1/items/%252E%252E")]
    // Ordinary values keep the client's encoding; dots inside names are not dot-segments.
    [InlineData("/prod/files/a%20b/c.txt", "/v1/files/a%20b/c.txt")]
    [InlineData("/prod/files/...", "/v1/files/...")]
    [InlineData("/prod/files/..a/.b/c..", "/v1/files/..a/.b/c..")]
    [InlineData("/prod/files/a%2Fb", "/v1/files/a%2Fb")]
    [InlineData("/prod/orders/%C3%A9t%C3%A9", "/v1/orders/%C3%A9t%C3%A9")]
    [InlineData("/prod/files/x?q=../../admin", "/v1/files/x?q=../../admin")]
    public async Task Path_BackendReceivesExactlyThisTarget(string target, string expected)
    {
        var (code, _) = await RawHttp.GetAsync(_gateway.BaseUri.Port, target);

        Assert.Equal(200, code);
        Assert.Equal([expected], _received.ToArray());
    }
}
