using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;

[Collection(nameof(SerialCollection))]
public sealed class ForwardingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WebSocket_UpgradeIsTunnelledBothWays()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                return;
            }
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, http.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", http.RequestAborted);
                    return;
                }
                var reply = Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(buffer, 0, received.Count));
                await socket.SendAsync(reply, WebSocketMessageType.Text, true, http.RequestAborted);
            }
        }, app => app.UseWebSockets());
        await using var gateway = await RunningGateway.StartAsync(Config(Api("ws", "prod", Resource("/socket", ("GET", Proxy(backend.Url + "/socket"))))));

        using var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Patience);
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.BaseUri.Port}/prod/socket"), timeout.Token);
        var buffer = new byte[1024];
        foreach (var word in new[] { "one", "two", "three" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(word), WebSocketMessageType.Text, true, timeout.Token);
            var received = await client.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal("echo:" + word, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task Upload_100MB_IsStreamedNotBuffered()
    {
        const long Total = 100L * 1024 * 1024;
        const int FirstPart = 1024 * 1024;
        var backendSawFirstPart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            var buffer = new byte[64 * 1024];
            long count = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                count += read;
                if (count >= FirstPart)
                {
                    backendSawFirstPart.TrySetResult();
                }
            }
            await http.Response.WriteAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        var config = Config(Api("up", "prod", Resource("/upload", ("POST", Proxy(backend.Url + "/upload"))))) with
        {
            Server = new ServerSettings { MaxRequestBodyBytes = 200L * 1024 * 1024 },
        };
        await using var gateway = await RunningGateway.StartAsync(config);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var peakBefore = process.PeakWorkingSet64;

        // The client sends the first megabyte, then waits until the backend has it before sending
        // the other 99: a gateway that buffered the body would never let this finish.
        var content = new GatedContent(Total, FirstPart, backendSawFirstPart.Task, Patience);
        using var response = await gateway.Client.PostAsync("/prod/upload", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Total.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());

        process.Refresh();
        var growth = process.PeakWorkingSet64 - peakBefore;
        Assert.True(growth < 40L * 1024 * 1024, $"peak working set grew by {growth / (1024 * 1024)} MB while 100 MB went through");
    }

    [Fact]
    public async Task ClientHangsUp_UpstreamCallIsCancelled()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            upstreamStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                upstreamCancelled.TrySetResult();
            }
        });
        await using var gateway = await RunningGateway.StartAsync(Config(Api("h", "prod", Resource("/hang", ("GET", Proxy(backend.Url + "/hang"))))));

        using var hangUp = new CancellationTokenSource();
        var call = gateway.Client.GetAsync("/prod/hang", hangUp.Token);
        await upstreamStarted.Task.WaitAsync(Patience);
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await upstreamCancelled.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task HttpsUpstream_NegotiatesHttp2AndHonoursInsecureSkipVerification()
    {
        await using var backend = await TestBackend.StartAsync(https: true);
        var trusted = Proxy(backend.Url + "/secure");
        var insecure = trusted with { InsecureSkipVerification = true };
        await using var gateway = await RunningGateway.StartAsync(Config(Api("t", "prod",
            Resource("/verified", ("GET", trusted)),
            Resource("/skip", ("GET", insecure)))));

        using var refused = await gateway.Client.GetAsync("/prod/verified");
        Assert.Equal(HttpStatusCode.GatewayTimeout, refused.StatusCode);
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("integration failed", StringComparison.Ordinal));

        using var ok = await gateway.Client.GetAsync("/prod/skip");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadAsStringAsync();
        Assert.Contains("\"protocol\":\"HTTP/2\"", body, StringComparison.Ordinal);
    }

    /// <summary>Writes <c>total</c> bytes, pausing after <c>first</c> until <c>gate</c> completes.</summary>
    private sealed class GatedContent(long total, int first, Task gate, TimeSpan patience) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            long sent = 0;
            var waited = false;
            while (sent < total)
            {
                if (!waited && sent >= first)
                {
                    await stream.FlushAsync();
                    await gate.WaitAsync(patience);
                    waited = true;
                }
                var n = (int)Math.Min(chunk.Length, total - sent);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                sent += n;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = total;
            return true;
        }
    }
}
