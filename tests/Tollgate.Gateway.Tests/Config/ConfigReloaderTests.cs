using System.Collections.Immutable;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>The reload pipeline over a source that changes under it: signal, debounce, load, validate, compile, swap.</summary>
public sealed class ConfigReloaderTests
{
    private static GatewayConfig Version(string region) => new() { Region = region };

    [Fact]
    public void Changed_ContentChangesAgainBeforeTheLoad_OneReloadSwapsToTheRevisionLoaded()
    {
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        using var harness = new ReloaderHarness(source);

        source.Set(Version("eu-west-2"), "r2");
        source.Signal();
        // Saved again after the signal, before the debounce ran out: the load sees the latest.
        harness.Time.Advance(ReloaderHarness.Debounce / 2);
        source.Set(Version("eu-west-3"), "r3");
        source.Signal();
        harness.Time.Advance(ReloaderHarness.Debounce / 2);
        Assert.Empty(harness.Outcomes);
        harness.Time.Advance(ReloaderHarness.Debounce / 2);

        Assert.Equal([ReloadOutcome.Swapped], harness.Outcomes);
        Assert.Equal("r3", harness.Snapshots.Current.Revision);
        Assert.Equal("eu-west-3", harness.Snapshots.Current.Config.Region);
        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public void ReloadNow_ContentChangedBetweenSignalAndLoad_NeverUnchanged()
    {
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        using var harness = new ReloaderHarness(source);

        for (var i = 2; i <= 5; i++)
        {
            source.Set(Version("eu-west-1"), "r" + (i * 10));
            source.Signal();
            // What the signal announced is replaced before the timer fires.
            source.Set(Version("eu-north-" + i), "r" + i);
            harness.Time.Advance(ReloaderHarness.Debounce);
            Assert.Equal("r" + i, harness.Snapshots.Current.Revision);
            Assert.Equal("eu-north-" + i, harness.Snapshots.Current.Config.Region);
        }
        Assert.Equal([ReloadOutcome.Swapped, ReloadOutcome.Swapped, ReloadOutcome.Swapped, ReloadOutcome.Swapped], harness.Outcomes);

        // The same revision again: not recompiled.
        var before = harness.Snapshots.Current;
        Assert.Equal(ReloadOutcome.Unchanged, harness.Reloader.ReloadNow());
        Assert.Same(before, harness.Snapshots.Current);
    }

    [Fact]
    public void ReloadNow_SourceWithoutRevision_CompilesEveryTime()
    {
        var source = new ChangingSource(Version("eu-west-1"), "");
        using var harness = new ReloaderHarness(source);
        var before = harness.Snapshots.Current;

        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        Assert.NotSame(before, harness.Snapshots.Current);
    }

    [Fact]
    public void ReloadNow_SourceCannotBeRead_FailedAndTheRunningConfigStays()
    {
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        using var harness = new ReloaderHarness(source);
        var before = harness.Snapshots.Current;
        source.Throw = new IOException("the disk went away");

        Assert.Equal(ReloadOutcome.Failed, harness.Reloader.ReloadNow());
        Assert.Same(before, harness.Snapshots.Current);
        Assert.Contains("Error: Reload failed, keeping the running config: the disk went away", harness.Logs.Lines);
    }

    [Fact]
    public void ReloadNow_InvalidModelFromMemory_ValidatedAndRefused()
    {
        // A source that is not a file is validated by the pipeline all the same.
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        using var harness = new ReloaderHarness(source);
        source.Set(Version("eu-west-1") with { Server = new ServerSettings { MaxRequestBodyBytes = 0, MaxTemplateMemoryBytes = -1 } }, "r2");

        Assert.Equal(ReloadOutcome.Failed, harness.Reloader.ReloadNow());
        Assert.Equal("r1", harness.Snapshots.Current.Revision);
        Assert.Contains("Error: Reload refused: error: server: maxRequestBodyBytes must be positive, not 0.", harness.Logs.Lines);
        Assert.Contains("Error: Reload refused: error: server: maxTemplateMemoryBytes must be positive, not -1.", harness.Logs.Lines);
        Assert.Contains("Error: Reload refused with 2 problem(s); the running config stays in place.", harness.Logs.Lines);
    }

    [Fact]
    public void ReloadNow_StartOnlySettingsChanged_SwapsAndSaysARestartIsNeeded()
    {
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        using var harness = new ReloaderHarness(source);
        source.Set(Version("eu-west-2") with
        {
            Server = new ServerSettings
            {
                Listen = ["http://127.0.0.1:9000"],
                AdminListen = "http://127.0.0.1:9901",
                DrainTimeout = TimeSpan.FromSeconds(5),
                MaxConcurrentRequestsPerBackend = 10,
                MaxRequestBodyBytes = 1000,
            },
            Telemetry = new TelemetrySettings { ServiceName = "other" },
            // Applied by a reload (the Lambda client reads them at each call): not named.
            Lambda = new LambdaSettings { MaxConcurrency = 3, MaxQueued = 0 },
        }, "r2");

        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        Assert.Equal("eu-west-2", harness.Snapshots.Current.Config.Region);
        Assert.Equal(1000, harness.Snapshots.Current.Config.Server.MaxRequestBodyBytes);
        Assert.Contains(
            "Warning: server: listen, adminListen, drainTimeoutSeconds, maxConcurrentRequestsPerBackend changed, but apply only at start: the running values stay until Tollgate is restarted.",
            harness.Logs.Lines);
        Assert.Contains(
            "Warning: telemetry changed, but applies only at start: spans and metrics go where they went until Tollgate is restarted.",
            harness.Logs.Lines);

        // Only reloadable settings changed: no warning.
        source.Set(Version("eu-west-3") with { Lambda = new LambdaSettings { MaxConcurrency = 7 } }, "r3");
        var warnings = harness.Logs.Lines.Count(l => l.Contains("only at start", StringComparison.Ordinal));
        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        Assert.Equal(warnings, harness.Logs.Lines.Count(l => l.Contains("only at start", StringComparison.Ordinal)));
    }

    [Fact]
    public void StartSettings_EachServerKey_NamedByItsConfigName()
    {
        var running = StartSettings.Of(new GatewayConfig());
        StartSettings With(ServerSettings server) => StartSettings.Of(new GatewayConfig { Server = server });

        Assert.Empty(running.ServerChanges(With(new ServerSettings { MaxRequestBodyBytes = 5, UpgradeProtocols = ImmutableArray<string>.Empty })));
        Assert.Equal(["listen"], running.ServerChanges(With(new ServerSettings { Listen = ["http://0.0.0.0:80"] })));
        Assert.Equal(["adminListen"], running.ServerChanges(With(new ServerSettings { AdminListen = "http://127.0.0.1:1" })));
        Assert.Equal(["drainTimeoutSeconds"], running.ServerChanges(With(new ServerSettings { DrainTimeout = TimeSpan.Zero })));
        Assert.Equal(["keepAliveTimeoutSeconds"], running.ServerChanges(With(new ServerSettings { KeepAliveTimeout = TimeSpan.FromSeconds(1) })));
        Assert.Equal(["maxConnections"], running.ServerChanges(With(new ServerSettings { MaxConnections = 1 })));
        Assert.Equal(["maxUpgradedConnections"], running.ServerChanges(With(new ServerSettings { MaxUpgradedConnections = 1 })));
        Assert.Equal(["maxConcurrentRequestsPerBackend"], running.ServerChanges(With(new ServerSettings { MaxConcurrentRequestsPerBackend = 1 })));
        // An equal list in a new array is no change.
        Assert.Empty(StartSettings.Of(new GatewayConfig { Server = new ServerSettings { Listen = ["http://a:1"] } })
            .ServerChanges(With(new ServerSettings { Listen = ["http://a:1"] })));
        Assert.False(running.TelemetryChanged(StartSettings.Of(new GatewayConfig { Lambda = new LambdaSettings { MaxConcurrency = 1 } })));
        Assert.True(running.TelemetryChanged(StartSettings.Of(new GatewayConfig { Telemetry = new TelemetrySettings { SamplingRatio = 0.5 } })));
    }

    [Fact]
    public void StartWatching_AsksTheSourceToSignal()
    {
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        using var harness = new ReloaderHarness(source);
        Assert.False(source.Watching);
        harness.Reloader.StartWatching();
        Assert.True(source.Watching);
    }

    [Fact]
    public void Dispose_SignalAfterwards_NoReload()
    {
        var source = new ChangingSource(Version("eu-west-1"), "r1");
        var harness = new ReloaderHarness(source);
        harness.Dispose();
        source.Set(Version("eu-west-2"), "r2");
        source.Signal();
        harness.Time.Advance(ReloaderHarness.Debounce * 2);
        Assert.Empty(harness.Outcomes);
        Assert.Equal(1, source.Loads);
    }
}
