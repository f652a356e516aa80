using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;

namespace Tollgate.FunctionalTests;

[Collection(nameof(SerialCollection))]
public sealed class HotReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Definition(string version, string? proxyTo = null) => $$"""
        {
          "openapi": "3.0.1",
          "info": { "title": "versions", "version": "1" },
          "paths": {
            "/version": {
              "get": {
                "x-amazon-apigateway-integration": {
                  "type": "mock",
                  "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
                  "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "{{version}}" } } }
                }
              }
            },
            "/slow": {
              "get": {
                "x-amazon-apigateway-integration": {{(proxyTo is null
                    ? """{ "type": "mock", "requestTemplates": { "application/json": "{\"statusCode\": 200}" }, "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "mock" } } } }"""
                    : $$"""{ "type": "http_proxy", "httpMethod": "GET", "uri": "{{proxyTo}}" }""")}}
              }
            }
          }
        }
        """;

    // The load test sends more than AWS's default account limit (10,000 rps, burst 5,000) on
    // loopback; it is about reloads, not throttling, so the limit is raised out of the way.
    private const string ConfigFile = """
        accountThrottle: { rateLimit: 1000000, burstLimit: 1000000 }
        apis:
          - name: versions
            definition: api.json
            stages:
              - stageName: prod
        """;

    private static async Task<(RunningGateway Gateway, TempDirectory Dir)> StartAsync(string definition)
    {
        var dir = new TempDirectory();
        dir.Write("api.json", definition);
        var config = dir.Write("tollgate.yaml", ConfigFile);
        var gateway = await RunningGateway.StartAsync(new FileConfigSource(config, LoadOptions.Default), o => o with { Watch = true });
        return (gateway, dir);
    }

    private static Task<ReloadOutcome> NextReload(RunningGateway gateway)
    {
        var next = new TaskCompletionSource<ReloadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(ReloadOutcome outcome)
        {
            if (outcome != ReloadOutcome.Unchanged)
            {
                gateway.Server.Reloader.Reloaded -= Handler;
                next.TrySetResult(outcome);
            }
        }
        gateway.Server.Reloader.Reloaded += Handler;
        return next.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task SaveDuringALoad_TheNextReloadSeesIt()
    {
        // The race: a definition saved after the loader parsed it but before the reloader took
        // the fingerprint. Fingerprinting a second read gave the new file's fingerprint to the
        // old config, so the reload that the save triggers answered "unchanged" and the new
        // version was never served. The fingerprint is now of the bytes parsed.
        using var dir = new TempDirectory();
        dir.Write("api.json", Definition("v1"));
        var config = dir.Write("tollgate.yaml", ConfigFile);
        var saveDuringNextLoad = (string?)null;
        await using var gateway = await RunningGateway.StartAsync(() =>
        {
            var result = ConfigLoader.Load(config, LoadOptions.Default);
            if (Interlocked.Exchange(ref saveDuringNextLoad, null) is { } version)
            {
                dir.Write("api.json", Definition(version));
            }
            return new ConfigLoad(result.Config, result.Diagnostics, result.SourceFiles) { Revision = result.Fingerprint };
        });
        Assert.Equal("v1", await gateway.Client.GetStringAsync("/prod/version"));

        dir.Write("api.json", Definition("v2"));
        saveDuringNextLoad = "v3";
        Assert.Equal(ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());
        Assert.Equal("v2", await gateway.Client.GetStringAsync("/prod/version"));

        // The save of v3 happened after v2 was parsed: its reload must not look unchanged.
        Assert.Equal(ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());
        Assert.Equal("v3", await gateway.Client.GetStringAsync("/prod/version"));
        Assert.Equal(ReloadOutcome.Unchanged, gateway.Server.Reloader.ReloadNow());
    }

    [Fact]
    public async Task FileChange_UnderConcurrentLoad_SwapsWithZeroFailedRequests()
    {
        var (gateway, dir) = await StartAsync(Definition("v1"));
        await using var _ = gateway;
        using var __ = dir;

        var failures = new ConcurrentBag<string>();
        var seenV2 = 0;
        var warmed = new CountdownEvent(8 * 20);
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var sawV2 = false;
            for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
            {
                using var response = await gateway.Client.GetAsync("/prod/version");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || body is not ("v1" or "v2"))
                {
                    failures.Add($"{(int)response.StatusCode} {body}");
                }
                if (body == "v1" && sawV2)
                {
                    failures.Add("v1 after v2: the old snapshot came back");
                }
                if (body == "v2")
                {
                    sawV2 = true;
                    Interlocked.Increment(ref seenV2);
                }
                if (!warmed.IsSet)
                {
                    warmed.Signal();
                }
            }
        })).ToArray();

        Assert.True(warmed.Wait(Patience), "the workers did not get going");
        var reload = NextReload(gateway);
        dir.Write("api.json", Definition("v2"));
        Assert.Equal(ReloadOutcome.Swapped, await reload);
        var deadline = DateTime.UtcNow + Patience;
        while (Volatile.Read(ref seenV2) < 8 * 20 && DateTime.UtcNow < deadline && failures.IsEmpty)
        {
            await Task.Yield();
        }
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.True(seenV2 >= 8 * 20, $"only {seenV2} answers came from the new config");
    }

    [Fact]
    public async Task BadChange_KeepsLastGoodConfigAndLogsEveryProblem()
    {
        var (gateway, dir) = await StartAsync(Definition("v1"));
        await using var _ = gateway;
        using var __ = dir;

        var reload = NextReload(gateway);
        dir.Write("api.json", Definition("v2").Replace("\"mock\"", "\"mok\"", StringComparison.Ordinal));
        Assert.Equal(ReloadOutcome.Failed, await reload);

        using var response = await gateway.Client.GetAsync("/prod/version");
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        var refusals = gateway.Logs.Lines.Where(l => l.Contains("Reload refused: error:", StringComparison.Ordinal)).ToList();
        Assert.True(refusals.Count >= 2, string.Join("\n", gateway.Logs.Lines));
        Assert.All(refusals, l => Assert.Contains("'mok'", l, StringComparison.Ordinal));

        // A later good change is picked up again.
        reload = NextReload(gateway);
        dir.Write("api.json", Definition("v3"));
        Assert.Equal(ReloadOutcome.Swapped, await reload);
        using var after = await gateway.Client.GetAsync("/prod/version");
        Assert.Equal("v3", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InFlightRequest_FinishesOnTheSnapshotItStartedWith()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(http.RequestAborted);
            await http.Response.WriteAsync("from the backend");
        });
        var (gateway, dir) = await StartAsync(Definition("v1", backend.Url + "/slow"));
        await using var _ = gateway;
        using var __ = dir;

        var slow = gateway.Client.GetStringAsync("/prod/slow");
        await arrived.Task.WaitAsync(Patience);
        var reload = NextReload(gateway);
        dir.Write("api.json", Definition("v2"));
        Assert.Equal(ReloadOutcome.Swapped, await reload);
        using (var now = await gateway.Client.GetAsync("/prod/slow"))
        {
            Assert.Equal("mock", await now.Content.ReadAsStringAsync());
        }
        release.SetResult();
        Assert.Equal("from the backend", await slow.WaitAsync(Patience));
    }

    [Fact]
    public async Task ReloadNow_WithUnchangedFiles_DoesNotRecompile()
    {
        var (gateway, dir) = await StartAsync(Definition("v1"));
        await using var _ = gateway;
        using var __ = dir;
        var before = gateway.Server.Snapshots.Current;
        Assert.Equal(ReloadOutcome.Unchanged, gateway.Server.Reloader.ReloadNow());
        Assert.Same(before, gateway.Server.Snapshots.Current);
    }

    [Fact]
    public async Task Reload_StartOnlyServerSettingsChanged_SwappedWithAWarningNamingThem()
    {
        var (gateway, dir) = await StartAsync(Definition("v1"));
        await using var _ = gateway;
        using var __ = dir;
        dir.Write("tollgate.yaml", ConfigFile + "\nserver: { maxConnections: 50, keepAliveTimeoutSeconds: 5, maxRequestBodyBytes: 1000 }\n");

        Assert.Equal(ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());
        Assert.Contains(gateway.Logs.Lines, l => l.EndsWith(
            "server: keepAliveTimeoutSeconds, maxConnections changed, but apply only at start: the running values stay until Tollgate is restarted.", StringComparison.Ordinal));

        // Back as they started: no warning for the next reload.
        dir.Write("tollgate.yaml", ConfigFile);
        Assert.Equal(ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());
        Assert.Single(gateway.Logs.Lines, l => l.Contains("apply only at start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyAdded_ReloadRecompilesNoApiAndTheKeyWorks()
    {
        const string Keyed = """
            {
              "openapi": "3.0.1",
              "info": { "title": "keyed", "version": "1" },
              "paths": {
                "/k": {
                  "get": {
                    "security": [{ "api_key": [] }],
                    "x-amazon-apigateway-integration": {
                      "type": "mock",
                      "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
                      "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "key ok" } } }
                    }
                  }
                }
              },
              "components": { "securitySchemes": { "api_key": { "type": "apiKey", "name": "x-api-key", "in": "header" } } }
            }
            """;
        static string Config(string keys) => $$"""
            apis:
              - name: keyed
                definition: api.json
                stages:
                  - stageName: prod
            apiKeys:
            {{keys}}
            usagePlans:
              - { name: basic, apiStages: [ { apiId: keyed, stage: prod } ], apiKeys: [ first ] }
            """;
        const string First = "  - { name: first, value: first-key-0123456789abcdef }";
        using var dir = new TempDirectory();
        dir.Write("api.json", Keyed);
        var file = dir.Write("tollgate.yaml", Config(First));
        await using var gateway = await RunningGateway.StartAsync(() =>
        {
            var result = ConfigLoader.Load(file, LoadOptions.Default);
            return new ConfigLoad(result.Config, result.Diagnostics, result.SourceFiles) { Revision = result.Fingerprint };
        });
        var compiled = gateway.Server.Snapshots.Current.Router.ExecuteApiHost("keyed.execute-api.local");
        Assert.NotNull(compiled);
        static HttpRequestMessage Request() => new(HttpMethod.Get, "/prod/k") { Headers = { { "x-api-key", "second-key-0123456789abcdef" } } };
        using (var refused = Request())
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Client.SendAsync(refused)).StatusCode);
        }

        dir.Write("tollgate.yaml", Config(First + "\n  - { name: second, value: second-key-0123456789abcdef }").Replace("apiKeys: [ first ]", "apiKeys: [ first, second ]", StringComparison.Ordinal));
        Assert.Equal(ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());

        Assert.Same(compiled, gateway.Server.Snapshots.Current.Router.ExecuteApiHost("keyed.execute-api.local"));
        Assert.Equal((0, 1), (gateway.Server.Snapshots.Current.Deployments!.Compiled, gateway.Server.Snapshots.Current.Deployments.Reused));
        using var accepted = Request();
        var response = await gateway.Client.SendAsync(accepted);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("key ok", await response.Content.ReadAsStringAsync());
    }
}
