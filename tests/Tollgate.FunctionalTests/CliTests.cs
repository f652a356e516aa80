using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;

namespace Tollgate.FunctionalTests;

[Collection(nameof(SerialCollection))]
public sealed class CliTests
{
    private const string Export = """
        {
          "swagger": "2.0",
          "info": { "title": "Drain Test", "version": "1" },
          "basePath": "/beta",
          "paths": {
            "/slow": { "get": { "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "${stageVariables.backend}/slow" } } },
            "/hello": { "get": { "x-amazon-apigateway-integration": { "type": "mock", "requestTemplates": { "application/json": "{\"statusCode\": 200}" }, "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "hello" } } } } } }
          }
        }
        """;

    /// <summary>The export under stage 'beta', with an API key in a usage plan.</summary>
    internal const string WithKeysAndPlans = """
        apis:
          - name: drain
            definition: api.json
            stages:
              - stageName: beta
        apiKeys:
          - { name: tenant-a, value: "inline-secret-0123456789abcdef" }
        usagePlans:
          - name: gold
            apiStages: [ { apiId: drain, stage: beta } ]
            apiKeys: [ tenant-a ]
        """;

    [Fact]
    public async Task Validate_ValidExport_ExitsZero()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("api.json", Export);
        var (exit, output, _) = await Cli.RunAsync("validate", "--config", path);
        Assert.Equal(0, exit);
        Assert.Contains("valid (1 API(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenConfig_PrintsEveryProblemAndExitsOne()
    {
        using var dir = new TempDirectory();
        dir.Write("api.json", Export.Replace("\"mock\"", "\"mok\"", StringComparison.Ordinal).Replace("\"http_proxy\"", "\"htp\"", StringComparison.Ordinal));
        var config = dir.Write("tollgate.yaml", """
            apis:
              - name: drain
                definition: api.json
                stages:
                  - stageName: "bad stage!"
            domainNames:
              - domainName: api.example.com
                basePathMappings:
                  - { basePath: "", restApiId: nothere, stage: prod }
            """);
        var (exit, output, _) = await Cli.RunAsync("validate", "--config", config);
        Assert.Equal(1, exit);
        Assert.Contains("'mok'", output, StringComparison.Ordinal);
        Assert.Contains("'htp'", output, StringComparison.Ordinal);
        Assert.Contains("bad stage!", output, StringComparison.Ordinal);
        Assert.Contains("nothere", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ReadErrorAndCompileError_BothReportedInOnePass()
    {
        using var dir = new TempDirectory();
        // A mapping template that does not parse: only compiling finds it.
        dir.Write("api.json", Export.Replace("\"hello\"", "\"#if(\"", StringComparison.Ordinal));
        var config = dir.Write("tollgate.yaml", """
            apis:
              - name: drain
                definition: api.json
                stages:
                  - stageName: prod
            apiKeys:
              - { name: a, value: "inline-secret-0123456789abcdef", valueFrom: { env: HOME } }
            server: { maxRequestBodyBytes: 0 }
            """);
        var (exit, output, _) = await Cli.RunAsync("validate", "--config", config);
        Assert.Equal(1, exit);
        // Reading, validating and compiling each found one.
        Assert.Contains("give exactly one of 'value' and 'valueFrom'.", output, StringComparison.Ordinal);
        Assert.Contains("error: server: maxRequestBodyBytes must be positive, not 0.", output, StringComparison.Ordinal);
        Assert.Contains("method 'GET /hello'", output, StringComparison.Ordinal);
        Assert.Contains("response template 'application/json'", output, StringComparison.Ordinal);
        Assert.Contains($"{config}: 3 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidConfig_RefusesToStartAndNamesTheProblem()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("api.json", Export.Replace("\"mock\"", "\"mok\"", StringComparison.Ordinal));
        var (exit, _, error) = await Cli.RunAsync("serve", "--config", path, "--listen", "http://127.0.0.1:0");
        Assert.Equal(1, exit);
        Assert.Contains("'mok'", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Ctrl-C's SIGINT; but a process started with SIGINT ignored (a shell's background job, as a
    /// test run started with <c>&amp;</c> is) passes that on to its children, and .NET then keeps
    /// ignoring it, as <c>nohup</c> expects. SIGTERM takes the same way out of the host.
    /// </summary>
    private static string InterruptSignal
    {
        get
        {
            var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            var mask = ignored is null ? 0 : Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16);
            return (mask & (1UL << (2 - 1))) != 0 ? "-TERM" : "-INT";
        }
    }

    [Fact]
    public async Task Serve_DiskFullOnFirstStart_NamesTheDatabaseAndSqlitesReason()
    {
        using var dir = new TempDirectory();
        dir.Write("api.json", Export);
        // Keys and plans: a config that needs the usage database (one without opens none).
        var path = dir.Write("tollgate.yaml", WithKeysAndPlans);
        var data = Directory.CreateDirectory(dir.File("data")).FullName;
        // Every write to /dev/full fails with ENOSPC: the database's first write finds the disk full.
        Assert.True(File.Exists("/dev/full"), "this test needs /dev/full (Linux)");
        var database = Path.Combine(data, "tollgate.db");
        File.CreateSymbolicLink(database, "/dev/full");

        var (exit, _, error) = await Cli.RunAsync("serve", "--config", path, "--listen", "http://127.0.0.1:0", "--data-dir", data);

        Assert.Equal(1, exit);
        Assert.Equal(
            $"{path}: not served: cannot open the usage database: cannot create the usage tables in '{database}': SQLite Error 13: 'database or disk is full'.",
            error.Trim());
    }

    [Fact]
    public async Task Serve_ListenAddressInUse_SaysSoNotTheUsageDatabase()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var dir = new TempDirectory();
        var path = dir.Write("api.json", Export);

        var (exit, _, error) = await Cli.RunAsync("serve", "--config", path, "--listen", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exit);
        Assert.Contains($"{path}: not served: cannot listen: ", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("usage database", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_CtrlC_DrainsInFlightRequestsThenExits()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            arrived.TrySetResult();
            await release.Task;
            await http.Response.WriteAsync("finished");
        });
        using var dir = new TempDirectory();
        var path = dir.Write("api.json", Export);

        using var process = Process.Start(Cli.StartInfo("serve", "--config", path, "--listen", "http://127.0.0.1:0", "--stage-variable", "backend=" + backend.Url))!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            var serving = await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal));
            var address = new Uri(serving[(serving.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..].Trim());
            using var client = new HttpClient { BaseAddress = address };

            Assert.Equal("hello", await client.GetStringAsync("/beta/hello"));
            var slow = client.GetAsync("/beta/slow");
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

            using (var kill = Process.Start("kill", [InterruptSignal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await lines.WaitFor(l => l.Contains("shutting down", StringComparison.OrdinalIgnoreCase));
            release.SetResult();
            using var response = await slow.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("finished", await response.Content.ReadAsStringAsync());
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            release.TrySetResult();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
