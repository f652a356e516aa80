using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Tests.Support;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// server.maxConcurrentRequestsPerBackend: a slow backend holds at most that many requests; the
/// rest are answered 503 at once instead of piling up sockets, and the backend is served again
/// as soon as it answers.
/// </summary>
public sealed class BackendLimitTests : IAsyncLifetime
{
    private const int Cap = 4;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestBackend _backend = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync(async http =>
        {
            if (Interlocked.Increment(ref _arrived) == Cap)
            {
                _allArrived.TrySetResult();
            }
            await _release.Task;
            await http.Response.WriteAsync("slow done");
        });
        var config = Config(
            Api("rest", "prod",
                Resource("/proxy", ("GET", Proxy(_backend.Url + "/slow"))),
                Resource("/mapped", ("GET", Http(_backend.Url + "/slow", null, Response("default", 200))))),
            HttpApi("httpapi", "h", Resource("/slow", ("GET", HttpProxy(_backend.Url + "/slow")))));
        _gateway = await RunningGateway.StartAsync(config with { Server = new ServerSettings { MaxConcurrentRequestsPerBackend = Cap } }, _clock);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("/prod/proxy", "{\"message\":\"Service Unavailable\"}")]
    [InlineData("/prod/mapped", "{\"message\":\"Service Unavailable\"}")]
    [InlineData("/h/slow", "{\"message\":\"Service Unavailable\"}")]
    public async Task SlowBackend_BeyondTheCap_503AtOnce_ThenServedAgain(string path, string busyBody)
    {
        var held = Enumerable.Range(0, Cap).Select(_ => _gateway.Client.GetAsync(path)).ToList();
        await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The backend holds every slot: more requests are refused without reaching it.
        for (var i = 0; i < 10; i++)
        {
            using var refused = await _gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(busyBody, await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(Cap, Volatile.Read(ref _arrived));

        _release.SetResult();
        foreach (var request in held)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // Every slot came back: the next request reaches the backend again.
        using var after = await _gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(Cap + 1, Volatile.Read(ref _arrived));
        Assert.Equal(0, _gateway.Server.Services.Forwarder.Backends.InFlight(new Uri(_backend.Url)));
        // An overload is logged once a second per backend, not once per refused request (the
        // clock stands still here).
        Assert.Single(_gateway.Logs.Lines, m => m.Contains("1 request(s) refused with 503", StringComparison.Ordinal));
    }
}
