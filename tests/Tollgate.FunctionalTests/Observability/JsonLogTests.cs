using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;

namespace Tollgate.FunctionalTests.Observability;

/// <summary><c>tollgate serve --log-format json</c>: the real executable's console, one JSON object a line.</summary>
[Collection(nameof(SerialCollection))]
public sealed class JsonLogTests
{
    private const string Export = """
        {
          "swagger": "2.0",
          "info": { "title": "Logs", "version": "1" },
          "basePath": "/beta",
          "paths": {
            "/down": { "get": { "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "http://127.0.0.1:1/down" } } }
          }
        }
        """;

    [Fact]
    public async Task Serve_LogFormatJson_EveryLineJsonRequestLinesCarryRequestId()
    {
        using var dir = new TempDirectory();
        dir.Write("api.json", Export);
        var path = dir.Write("tollgate.yaml", """
            apis:
              - name: logs
                definition: api.json
                stages: [ { stageName: beta } ]
            server:
              adminListen: "http://127.0.0.1:0"
            """);
        using var process = Process.Start(Cli.StartInfo("serve", "--config", path, "--listen", "http://127.0.0.1:0", "--log-format", "json"))!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            var serving = JsonDocument.Parse(await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal)));
            var address = new Uri(serving.RootElement.GetProperty("State").GetProperty("Address").GetString()!);
            var admin = JsonDocument.Parse(await lines.WaitFor(l => l.Contains("Admin listener", StringComparison.Ordinal)));
            Assert.StartsWith("http://127.0.0.1:", admin.RootElement.GetProperty("State").GetProperty("Address").GetString(), StringComparison.Ordinal);
            using var client = new HttpClient { BaseAddress = address };

            using var response = await client.GetAsync("/beta/down");
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            var requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
            var failed = JsonDocument.Parse(await lines.WaitFor(l => l.Contains(requestId, StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(30))).RootElement;

            Assert.Equal("Warning", failed.GetProperty("LogLevel").GetString());
            Assert.Equal(requestId, failed.GetProperty("State").GetProperty("RequestId").GetString());
            Assert.StartsWith(requestId + " ", failed.GetProperty("Message").GetString(), StringComparison.Ordinal);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", failed.GetProperty("Timestamp").GetString());
            foreach (var line in lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var entry = JsonDocument.Parse(line);
                Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
                Assert.True(entry.RootElement.TryGetProperty("Message", out _), line);
            }
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
    public async Task Serve_LogFormatJson_TracedRequestLinesCarryTheTraceId()
    {
        const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        using var dir = new TempDirectory();
        dir.Write("api.json", Export);
        var path = dir.Write("tollgate.yaml", $$"""
            apis:
              - name: logs
                definition: api.json
                stages: [ { stageName: beta, tracingEnabled: true } ]
            telemetry:
              otlpEndpoint: "{{receiver.BaseUri}}"
            """);
        using var process = Process.Start(Cli.StartInfo("serve", "--config", path, "--listen", "http://127.0.0.1:0", "--log-format", "json"))!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            var serving = JsonDocument.Parse(await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal)));
            using var client = new HttpClient { BaseAddress = new Uri(serving.RootElement.GetProperty("State").GetProperty("Address").GetString()!) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/beta/down");
            request.Headers.Add("traceparent", $"00-{Trace}-00f067aa0ba902b7-01");
            using var response = await client.SendAsync(request);
            var requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
            var failed = JsonDocument.Parse(await lines.WaitFor(l => l.Contains(requestId, StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(30))).RootElement;

            Assert.Equal(requestId, failed.GetProperty("State").GetProperty("RequestId").GetString());
            var scope = Assert.Single(failed.GetProperty("Scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _));
            Assert.Equal(Trace, scope.GetProperty("TraceId").GetString());
            Assert.Matches("^[0-9a-f]{16}$", scope.GetProperty("SpanId").GetString());
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
    public async Task Serve_LogFormatUnknown_Refused()
    {
        var (exit, _, error) = await Cli.RunAsync("serve", "--log-format", "xml");
        Assert.NotEqual(0, exit);
        Assert.Contains("xml", error, StringComparison.Ordinal);
    }
}
