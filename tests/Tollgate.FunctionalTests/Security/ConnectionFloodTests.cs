using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// The real executable under a small open-file limit (512), flooded with more idle connections
/// than it has descriptors and overloaded against a slow backend: it takes the connections its
/// limits allow, closes the others as they come, stays up with bounded memory, and serves again
/// as soon as connections free up. Before the limits, the same flood made it run out of
/// descriptors and exit.
/// </summary>
[Collection(nameof(SerialCollection))]
[Trait("Category", "Slow")]
public sealed partial class ConnectionFloodTests
{
    private const int OpenFileLimit = 512;
    /// <summary>Connections past the limit: within Kestrel's listen backlog of 512, so that each connect completes.</summary>
    private const int Backlogged = 300;

    private const string Export = """
        {
          "swagger": "2.0",
          "info": { "title": "Flood", "version": "1" },
          "basePath": "/beta",
          "paths": {
            "/slow": { "get": { "x-amazon-apigateway-integration": { "type": "http_proxy", "httpMethod": "GET", "uri": "${stageVariables.backend}/slow", "timeoutInMillis": 29000 } } },
            "/hello": { "get": { "x-amazon-apigateway-integration": { "type": "mock", "requestTemplates": { "application/json": "{\"statusCode\": 200}" }, "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "hello" } } } } } }
          }
        }
        """;

    [Fact]
    public async Task IdleFloodAndSlowBackendOverload_StaysUpWithinItsLimits()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        var arrivals = System.Threading.Channels.Channel.CreateUnbounded<int>();
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            Interlocked.Increment(ref arrived);
            arrivals.Writer.TryWrite(0);
            await release.Task;
            await http.Response.WriteAsync("finished");
        });
        using var dir = new TempDirectory();
        dir.Write("api.json", Export);
        // Idle connections are not closed by the keep-alive timeout while the test holds them.
        var path = dir.Write("tollgate.yaml", $"""
            apis:
              - name: flood
                definition: api.json
                stages:
                  - stageName: beta
                    variables:
                      backend: "{backend.Url}"
            server:
              keepAliveTimeoutSeconds: 3600
            """);
        var info = Cli.StartInfo("serve", "--config", path, "--listen", "http://127.0.0.1:0");
        // ulimit -n sets the soft and the hard limit; the runtime cannot raise it past that.
        var command = "ulimit -n " + OpenFileLimit.ToString(CultureInfo.InvariantCulture) + " && exec \"$0\" \"$@\"";
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, command);
        info.ArgumentList.Insert(0, "-c");
        info.FileName = "bash";
        using var process = Process.Start(info)!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        var flood = new List<Socket>();
        try
        {
            var serving = await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal));
            var port = new Uri(serving[(serving.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..].Trim()).Port;
            var limits = LimitsLine().Match(await lines.WaitFor(l => l.Contains("Client connections: at most", StringComparison.Ordinal)));
            Assert.True(limits.Success, lines.ToString());
            var maxConnections = int.Parse(limits.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal(OpenFileLimit, int.Parse(limits.Groups[3].Value, CultureInfo.InvariantCulture));
            Assert.InRange(maxConnections, 16, OpenFileLimit / 2);   // each may need a backend connection too

            // 1. Idle connections past the limit, and past what the descriptors would carry:
            // the gateway takes its limit's worth and leaves the rest in the listen backlog.
            for (var i = 0; i < maxConnections + Backlogged; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync("127.0.0.1", port);
                flood.Add(socket);
            }
            Assert.Equal("200 hello", await ExchangeAsync(flood[0], "/beta/hello"));   // an accepted one is served
            var waiting = ExchangeAsync(flood[^1], "/beta/hello");                        // one in the backlog waits
            Assert.True(await lines.WaitFor(l => l.Contains("At the limit of", StringComparison.Ordinal)) is not null);
            Assert.True(OpenFiles(process.Id) <= OpenFileLimit - 32, $"max {maxConnections}: {DescribeOpenFiles(process.Id)}");
            Assert.False(waiting.IsCompleted);
            foreach (var socket in flood.Take(flood.Count - 1))
            {
                socket.Dispose();
            }
            // Slots freed, the waiting connection is accepted and served, not dropped.
            Assert.Equal("200 hello", await waiting.WaitAsync(TimeSpan.FromSeconds(60)));
            foreach (var socket in flood)
            {
                socket.Dispose();
            }
            flood.Clear();

            // 2. An overload against a slow backend: twice as many requests as connections allowed.
            var requests = Enumerable.Range(0, 2 * maxConnections).Select(_ => GetAsync(port, "/beta/slow")).ToList();
            using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (Volatile.Read(ref arrived) < maxConnections)
                {
                    await arrivals.Reader.ReadAsync(settle.Token);
                }
            }
            // The limit's worth reached the backend; the others wait, none was refused or failed.
            Assert.Equal(maxConnections, Volatile.Read(ref arrived));
            Assert.All(requests, r => Assert.False(r.IsCompleted));
            Assert.True(OpenFiles(process.Id) <= OpenFileLimit - 32, $"max {maxConnections}: {DescribeOpenFiles(process.Id)}");
            var residentMb = ResidentMegabytes(process.Id);
            release.SetResult();
            var answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.All(answers, a => Assert.Matches(@"^200 (8\r\n)?finished", a));   // chunked as the backend sent it
            Assert.Equal(2 * maxConnections, Volatile.Read(ref arrived));

            Assert.False(process.HasExited, lines.ToString());
            Assert.True(residentMb < 400, $"resident memory {residentMb} MB under load");
            Assert.DoesNotContain("Unhandled", lines.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Too many open files", lines.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            release.TrySetResult();
            foreach (var socket in flood)
            {
                socket.Dispose();
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>Sends a GET on an open connection and reads the answer's status and body ("200 hello").</summary>
    private static async Task<string> ExchangeAsync(Socket socket, string target)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 ", response, StringComparison.Ordinal);
        return response.Substring(9, 3) + " " + response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    private static async Task<string> GetAsync(int port, string target)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using (socket)
        {
            await socket.ConnectAsync("127.0.0.1", port);
            return await ExchangeAsync(socket, target);
        }
    }

    private static int OpenFiles(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    private static string DescribeOpenFiles(int pid) => string.Join(", ", Directory.GetFileSystemEntries($"/proc/{pid}/fd")
        .Select(f => { try { return Regex.Replace(new FileInfo(f).LinkTarget ?? "?", @"[0-9]+", "N"); } catch (IOException) { return "gone"; } })
        .GroupBy(t => t).OrderByDescending(g => g.Count()).Take(8).Select(g => $"{g.Count()} × {g.Key}"));

    private static long ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    }

    [GeneratedRegex(@"Client connections: at most (\d+) \((\d+) upgraded\).*open-file limit: (\d+)")]
    private static partial Regex LimitsLine();
}
