using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;

namespace Tollgate.FunctionalTests.Usage;

/// <summary>Usage written to the data directory: quotas across restarts, and <c>tollgate usage</c> reading it back.</summary>
[Collection(nameof(SerialCollection))]
public sealed class UsageCliTests
{
    private const string KeyA = "tenant-a-key-0123456789abcdef";
    private const string KeyB = "tenant-b-key-0123456789abcdef";

    private const string Export = """
        {
          "swagger": "2.0",
          "info": { "title": "Orders", "version": "1" },
          "paths": {
            "/orders": { "get": {
              "security": [ { "api_key": [] } ],
              "x-amazon-apigateway-integration": { "type": "mock", "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
                "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "{\"ok\":true}" } } } } } }
          },
          "securityDefinitions": { "api_key": { "type": "apiKey", "name": "x-api-key", "in": "header" } }
        }
        """;

    private static string Config(string quota) => $$"""
        apis:
          - name: orders
            definition: orders.json
            stages: [ { stageName: live } ]
        apiKeys:
          - { name: tenant-a, value: "{{KeyA}}", id: keyaaaaaaa }
          - { name: tenant-b, valueFrom: { file: b.key }, id: keybbbbbbb }
        usagePlans:
          - name: gold
            id: goldplan
            apiStages: [ { apiId: orders, stage: live } ]
            quota: {{quota}}
            apiKeys: [ tenant-a, tenant-b ]
        """;

    /// <summary>A clock whose date is fixed (timestamps run in real time), so that usage lands on a known day.</summary>
    private sealed class FixedDate(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static TempDirectory WriteConfig(string quota)
    {
        var dir = new TempDirectory();
        dir.Write("orders.json", Export);
        dir.Write("b.key", KeyB + "\n");
        dir.Write("tollgate.yaml", Config(quota));
        return dir;
    }

    private static Task<RunningGateway> StartAsync(TempDirectory dir, string dataDir, TimeProvider time) =>
        RunningGateway.StartAsync(() =>
        {
            var result = ConfigLoader.Load(dir.File("tollgate.yaml"), LoadOptions.Default);
            return new ConfigLoad(result.Config, result.Diagnostics, result.SourceFiles);
        }, options => options with { DataDirectory = dataDir, Time = time });

    private static async Task<HttpStatusCode> GetAsync(RunningGateway gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders");
        request.Headers.Add("x-api-key", key);
        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Quota_SurvivesRestartOnSameDataDirectory()
    {
        using var dir = WriteConfig("{ limit: 3, period: DAY }");
        var dataDir = Path.Combine(dir.Path, "state");
        var clock = new FixedDate(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));

        await using (var gateway = await StartAsync(dir, dataDir, clock))
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, KeyA));
            Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, KeyA));
            Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, KeyB));
        }
        Assert.True(File.Exists(Path.Combine(dataDir, "tollgate.db")));

        await using (var gateway = await StartAsync(dir, dataDir, clock))
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, KeyA));
            Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(gateway, KeyA));
            Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, KeyB));
        }

        // The next day the quota is back.
        await using (var gateway = await StartAsync(dir, dataDir, new FixedDate(new DateTimeOffset(2026, 3, 11, 0, 0, 1, TimeSpan.Zero))))
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway, KeyA));
        }

        var (exit, output, error) = await Cli.RunAsync("usage", "--config", dir.File("tollgate.yaml"), "--usage-plan", "gold",
            "--start", "2026-03-09", "--end", "2026-03-11", "--data-dir", dataDir);
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("goldplan", root.GetProperty("usagePlanId").GetString());
        Assert.Equal("2026-03-09", root.GetProperty("startDate").GetString());
        Assert.Equal("2026-03-11", root.GetProperty("endDate").GetString());
        // One [used, remaining] pair a day; the refused request is not counted.
        Assert.Equal("[[0,3],[3,0],[1,2]]", Compact(root.GetProperty("items").GetProperty("keyaaaaaaa")));
        Assert.Equal("[[0,3],[2,1],[0,3]]", Compact(root.GetProperty("items").GetProperty("keybbbbbbb")));

        var (oneExit, oneOutput, _) = await Cli.RunAsync("usage", "--config", dir.File("tollgate.yaml"), "--usage-plan", "goldplan",
            "--key", "tenant-b", "--start", "2026-03-10", "--end", "2026-03-10", "--data-dir", dataDir);
        Assert.Equal(0, oneExit);
        using var one = JsonDocument.Parse(oneOutput);
        Assert.Equal("""{"keybbbbbbb":[[2,1]]}""", Compact(one.RootElement.GetProperty("items")));
    }

    [Fact]
    public async Task UsageCommand_UnknownPlanOrMissingDatabase_ExitsOneWithReason()
    {
        using var dir = WriteConfig("{ limit: 3, period: DAY }");

        var (missingExit, _, missingError) = await Cli.RunAsync("usage", "--config", dir.File("tollgate.yaml"), "--usage-plan", "gold");
        Assert.Equal(1, missingExit);
        Assert.Contains("no usage database", missingError, StringComparison.Ordinal);

        var clock = new FixedDate(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        await using (var gateway = await StartAsync(dir, Path.Combine(dir.Path, "data"), clock))
        {
        }
        // The default data directory is 'data' beside the config file.
        var (planExit, _, planError) = await Cli.RunAsync("usage", "--config", dir.File("tollgate.yaml"), "--usage-plan", "platinum");
        Assert.Equal(1, planExit);
        Assert.Contains("no usage plan is named 'platinum'", planError, StringComparison.Ordinal);

        var (dateExit, _, dateError) = await Cli.RunAsync("usage", "--config", dir.File("tollgate.yaml"), "--usage-plan", "gold", "--start", "10/03/2026");
        Assert.Equal(2, dateExit);
        Assert.Contains("yyyy-MM-dd", dateError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_GracefulShutdown_WritesUsageThatUsageCommandReads()
    {
        using var dir = WriteConfig("{ limit: 1000, period: MONTH }");
        var config = dir.File("tollgate.yaml");
        using var process = Process.Start(Cli.StartInfo("serve", "--config", config, "--listen", "http://127.0.0.1:0"))!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            var serving = await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal));
            var address = new Uri(serving[(serving.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..].Trim());
            using var client = new HttpClient { BaseAddress = address };
            for (var i = 0; i < 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders");
                request.Headers.Add("x-api-key", KeyA);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "data", "tollgate.db")), lines.ToString());
        Assert.DoesNotContain(KeyA, lines.ToString(), StringComparison.Ordinal);

        // No dates: from the start of the current quota period (the month) to today.
        var (exit, output, error) = await Cli.RunAsync("usage", "--config", config, "--usage-plan", "gold", "--key", "tenant-a");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        long used = 0;
        foreach (var day in json.RootElement.GetProperty("items").GetProperty("keyaaaaaaa").EnumerateArray())
        {
            used += day[0].GetInt64();
        }
        Assert.Equal(5, used);
    }

    [Fact]
    public async Task Validate_UsagePlanProblems_NamesEveryOneWithoutSecrets()
    {
        using var dir = WriteConfig("{ limit: 3, period: DAY }");
        dir.Write("tollgate.yaml", Config("{ limit: 3, period: DAY }")
            .Replace("apiKeys: [ tenant-a, tenant-b ]", "apiKeys: [ tenant-a, tenant-z ]", StringComparison.Ordinal)
            .Replace("{ apiId: orders, stage: live }", "{ apiId: orders, stage: beta }, { apiId: billing, stage: live }", StringComparison.Ordinal)
            .Replace("id: keybbbbbbb", "id: keybbbbbbb }\n  - { name: tenant-c, value: \"" + KeyA + "\"", StringComparison.Ordinal));

        var (exit, output, _) = await Cli.RunAsync("validate", "--config", dir.File("tollgate.yaml"));

        Assert.Equal(1, exit);
        Assert.Contains("Usage plan 'gold': API key 'tenant-z' is not defined.", output, StringComparison.Ordinal);
        Assert.Contains("Usage plan 'gold', API stage 'orders/beta': API 'orders' has no stage 'beta'.", output, StringComparison.Ordinal);
        Assert.Contains("Usage plan 'gold', API stage 'billing/live': API 'billing' is not defined.", output, StringComparison.Ordinal);
        Assert.Contains("API key 'tenant-c': API key 'tenant-a' has the same value.", output, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, output, StringComparison.Ordinal);
    }

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);
}
