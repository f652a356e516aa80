using System.Diagnostics;
using System.Net;
using Tollgate.FunctionalTests.Support;

namespace Tollgate.FunctionalTests;

/// <summary>
/// Where the usage database goes when <c>--data-dir</c> is not given: <c>data</c> beside the config,
/// else, when that cannot be written, the user's state directory; <c>usage</c> finds it there too.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class DataDirectoryTests
{
    private const string Export = """
        { "openapi": "3.0.1", "info": { "title": "state", "version": "1" },
          "paths": { "/ok": { "get": { "x-amazon-apigateway-integration": { "type": "mock",
            "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
            "responses": { "default": { "statusCode": "200" } } } } } } }
        """;

    private const string WithKeysAndPlans = """
        apis:
          - name: state
            definition: api.json
            stages:
              - stageName: prod
        apiKeys:
          - { name: tenant-a, value: "inline-secret-0123456789abcdef" }
        usagePlans:
          - name: gold
            apiStages: [ { apiId: state, stage: prod } ]
            apiKeys: [ tenant-a ]
        """;

    /// <summary>
    /// A read-only directory holding the config, where no data directory can be made: not
    /// 'data' beside the config (a file holds the name; tests run as root, whom a read-only mode
    /// does not stop) and not the state directory (under a regular file).
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private sealed class ReadOnlyCheckout : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly TempDirectory _elsewhere = new();

        public ReadOnlyCheckout(string configName, string config)
        {
            _dir.Write("api.json", Export);
            Config = _dir.Write(configName, config);
            _dir.Write("data", "not a directory");
            _elsewhere.Write("file", "a regular file");
            StateHome = Path.Combine(_elsewhere.File("file"), "state");
            Entries = Directory.GetFileSystemEntries(_dir.Path).Order(StringComparer.Ordinal).ToArray();
            File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        public string Config { get; }

        public string StateHome { get; }

        public string[] Entries { get; }

        public string[] EntriesNow => Directory.GetFileSystemEntries(_dir.Path).Order(StringComparer.Ordinal).ToArray();

        public string Data => _dir.File("data");

        public void Dispose()
        {
            File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            _dir.Dispose();
            _elsewhere.Dispose();
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Serve_ReadOnlyDirectoryWithoutKeysOrPlans_ServesAndTouchesNoDataDirectory()
    {
        using var checkout = new ReadOnlyCheckout("api-copy.json", Export);
        var info = Cli.StartInfo("serve", "--config", checkout.Config, "--listen", "http://127.0.0.1:0");
        info.Environment["XDG_STATE_HOME"] = checkout.StateHome;
        using var process = Process.Start(info)!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            await lines.WaitFor(l => l.Contains("Usage: no usage plans or API keys, so no usage database is opened", StringComparison.Ordinal));
            var serving = await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal));
            var address = serving[(serving.IndexOf("http://", StringComparison.Ordinal))..].TrimEnd('/', ' ');
            using var client = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(address + "/prod/ok")).StatusCode);
            Assert.Equal(checkout.Entries, checkout.EntriesNow);
            Assert.Equal("not a directory", File.ReadAllText(checkout.Data));
            Assert.DoesNotContain("cannot open the usage database", lines.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Serve_ReadOnlyDirectoryWithKeysAndPlans_SaysTheUsageDatabaseCannotBeOpened()
    {
        using var checkout = new ReadOnlyCheckout("tollgate.yaml", WithKeysAndPlans);
        var info = Cli.StartInfo("serve", "--config", checkout.Config, "--listen", "http://127.0.0.1:0");
        info.Environment["XDG_STATE_HOME"] = checkout.StateHome;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith($"{checkout.Config}: not served: cannot open the usage database: cannot make the data directory '{checkout.StateHome}",
            (await error).Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Tollgate is serving", await output, StringComparison.Ordinal);
        Assert.Equal(checkout.Entries, checkout.EntriesNow);
    }

    [Fact]
    public async Task Serve_ConfigDirectoryNotWritable_UsageGoesToTheStateDirectoryAndSaysSo()
    {
        using var dir = new TempDirectory();
        using var state = new TempDirectory();
        dir.Write("api.json", Export);
        // Keys and plans: a config that needs the usage database (one without opens none).
        var path = dir.Write("tollgate.yaml", WithKeysAndPlans);
        // 'data' beside the config cannot be made a directory (tests run as root, so a read-only
        // mode would not stop them): the same failure a read-only checkout gives.
        dir.Write("data", "not a directory");
        var info = Cli.StartInfo("serve", "--config", path, "--listen", "http://127.0.0.1:0");
        info.Environment["XDG_STATE_HOME"] = state.Path;
        using var process = Process.Start(info)!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            var recorded = await lines.WaitFor(l => l.Contains("Usage is recorded in", StringComparison.Ordinal));
            var expected = Path.Combine(state.Path, "tollgate");
            Assert.Contains(expected + Path.DirectorySeparatorChar + "tollgate-", recorded, StringComparison.Ordinal);
            var serving = await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal));
            var address = serving[(serving.IndexOf("http://", StringComparison.Ordinal))..].TrimEnd('/', ' ');
            using var client = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(address + "/prod/ok")).StatusCode);
            var database = Assert.Single(Directory.GetFiles(expected, "tollgate.db", SearchOption.AllDirectories));
            Assert.Equal("not a directory", File.ReadAllText(dir.File("data")));
            Assert.StartsWith(expected, database, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }
}
