using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Observability;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>, which <c>.ci/run</c> installs) scrapes the
/// admin listener every second, and a PromQL query through its HTTP API returns the count of
/// requests the gateway served. A missing server fails the test with instructions; it never skips.
/// </summary>
public sealed class PrometheusServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RealPrometheus_ScrapesAdminListener_PromQlSeesRequestCount()
    {
        var binary = FindPrometheus();
        var api = Api("promql", "prod", Resource("/ok", ("GET", Mock("{}"))), Resource("/fail", ("GET", Mock("{}", status: 503))));
        var config = Config(api) with { Server = new ServerSettings { AdminListen = "http://127.0.0.1:0" } };
        await using var gateway = await RunningGateway.StartAsync(config);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/prod/ok")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await gateway.Client.GetAsync("/prod/fail")).StatusCode);

        using var temp = new TempDirectory();
        var admin = gateway.Server.AdminAddresses[0];
        var configFile = temp.Write("prometheus.yml", $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: tollgate
                static_configs:
                  - targets: ["127.0.0.1:{admin.Port}"]
            """);
        var port = FreePort();
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--config.file=" + configFile, "--storage.tsdb.path=" + temp.File("data"), $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var prometheus = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + binary);
        var stderr = prometheus.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            const string Query = "sum by (status_class) (tollgate_api_requests_total{api=\"promql\",stage=\"prod\"})";
            var deadline = Stopwatch.StartNew();
            Dictionary<string, string>? result = null;
            while (deadline.Elapsed < Patience && !prometheus.HasExited)
            {
                result = await QueryAsync(client, Query);
                if (result is not null && result.GetValueOrDefault("2xx") == "7" && result.GetValueOrDefault("5xx") == "1")
                {
                    break;
                }
                // Waiting on another process's scrape interval (1 s), not on this test's own clock.
                await Task.Delay(250);
            }
            Assert.False(prometheus.HasExited, "prometheus exited: " + (prometheus.HasExited ? await stderr : ""));
            Assert.NotNull(result);
            Assert.Equal("7", result!.GetValueOrDefault("2xx"));
            Assert.Equal("1", result.GetValueOrDefault("5xx"));

            // The target is up and healthy in Prometheus's own view.
            var up = await QueryAsync(client, "up{job=\"tollgate\"}");
            Assert.Equal("1", Assert.Single(up!).Value);
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }
            await prometheus.WaitForExitAsync();
        }
    }

    /// <summary>An instant query's vector, keyed by the status_class label ("" when absent); null when Prometheus is not up yet.</summary>
    private static async Task<Dictionary<string, string>?> QueryAsync(HttpClient client, string query)
    {
        try
        {
            using var response = await client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
            var result = new Dictionary<string, string>();
            foreach (var item in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var label = item.GetProperty("metric").TryGetProperty("status_class", out var s) ? s.GetString()! : "";
                result[label] = item.GetProperty("value")[1].GetString()!;
            }
            return result;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindPrometheus()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("TOLLGATE_PROMETHEUS"), "/usr/bin/prometheus", "/usr/local/bin/prometheus" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }
        Assert.Fail("This test needs a Prometheus server: apt-get install prometheus (as .ci/run does), or set TOLLGATE_PROMETHEUS to its binary.");
        return "";
    }
}
