using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using System.Text;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Support.HttpApiModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// A backend that sends its head and part of its body and then goes quiet holds both connections
/// only for the integration timeout: each wait for the next body bytes is bounded by it (an idle
/// timeout, restarted by every read). The clock is fake: the tests move it past the timeout, or to
/// just short of it, only once the gateway is waiting with its timer started.
/// </summary>
public sealed class UpstreamBodyTimeoutTests
{
    private const int TimeoutMs = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(TimeoutMs);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("Content-Length: 10\r\n\r\nhello", "hello")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "5\r\nhello\r\n")]
    public async Task BackendStallsMidBody_ClientCutOffAfterTimeout_BackendClosed(string answer, string firstPart)
    {
        var clock = new FakeTimeProvider();
        var backendClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = RawBackend.Start(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\n" + answer);
            await exchange.WaitForCloseAsync();
            backendClosed.TrySetResult();
        });
        await using var gateway = await StartAsync(backend, clock);
        var forwarder = gateway.Server.Services.Forwarder;

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", gateway.BaseUri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /prod/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        var received = await ReadUntilAsync(stream, firstPart);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received, StringComparison.Ordinal);

        // The gateway waits for the rest with its timer started; just short of the timeout nothing happens.
        await clock.WhenTimerDue(Timeout).WaitAsync(Patience);
        clock.Advance(Timeout - Tick);
        Assert.Equal(0, forwarder.BodyIdleTimeouts);
        Assert.False(backendClosed.Task.IsCompleted);

        clock.Advance(Tick);
        await backendClosed.Task.WaitAsync(Patience);
        var rest = await ReadToEndOrResetAsync(stream);

        // Cut off: neither the other five bytes nor the last chunk ever come, and nothing else does.
        Assert.Equal("", rest);
        Assert.Equal(1, forwarder.BodyIdleTimeouts);
        Assert.Equal(0, forwarder.Http1Pool.IdleCount);
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("integration response body", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", warning, StringComparison.Ordinal);
        Assert.Contains($"nothing received for {TimeoutMs} ms, exchange aborted: {backend.Url}/slow.", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsBackendStallsMidBody_ClientCutOff_BackendRequestAborted()
    {
        // HTTPS backends go through SocketsHttpHandler (here over HTTP/2): the same bound applies.
        var clock = new FakeTimeProvider();
        var backendAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.ContentLength = 10;
            await http.Response.WriteAsync("hello");
            await http.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                backendAborted.TrySetResult();
            }
        }, https: true);
        var integration = Proxy(backend.Url + "/slow") with { TimeoutInMillis = TimeoutMs, InsecureSkipVerification = true };
        await using var gateway = await RunningGateway.StartAsync(Config(Api("s", "prod", Resource("/slow", ("GET", integration)))), clock);

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", gateway.BaseUri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /prod/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await ReadUntilAsync(stream, "hello"), StringComparison.Ordinal);

        await clock.WhenTimerDue(Timeout).WaitAsync(Patience);
        clock.Advance(Timeout - Tick);
        Assert.False(backendAborted.Task.IsCompleted);
        clock.Advance(Tick);
        await backendAborted.Task.WaitAsync(Patience);

        Assert.Equal("", await ReadToEndOrResetAsync(stream));
        Assert.Equal(1, gateway.Server.Services.Forwarder.BodyIdleTimeouts);
    }

    [Fact]
    public async Task BackendDripsWithinTimeout_NotCut_WholeBodyArrives()
    {
        const int Drops = 5;
        var clock = new FakeTimeProvider();
        using var next = new SemaphoreSlim(0);
        await using var backend = RawBackend.Start(async exchange =>
        {
            await exchange.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {1 + Drops}\r\n\r\na");
            for (var i = 0; i < Drops; i++)
            {
                await next.WaitAsync(exchange.Stopping);
                await exchange.WriteAsync("b");
            }
            await exchange.WaitForCloseAsync();
        });
        await using var gateway = await StartAsync(backend, clock);

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", gateway.BaseUri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /prod/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        var received = await ReadUntilAsync(stream, "\r\n\r\na");
        for (var i = 0; i < Drops; i++)
        {
            // Each byte comes just before the timeout would have run out: far longer than the
            // timeout in all, never that long between two bytes.
            await clock.WhenTimerDue(Timeout).WaitAsync(Patience);
            clock.Advance(Timeout - Tick);
            next.Release();
            received += await ReadUntilAsync(stream, "b");
        }

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 6\r\n", received, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nabbbbb", received, StringComparison.Ordinal);
        Assert.Equal(0, gateway.Server.Services.Forwarder.BodyIdleTimeouts);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("integration response body", StringComparison.Ordinal));

        // The connection to the client is still good for another request.
        await stream.WriteAsync("GET /prod/missing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 403 ", await ReadUntilAsync(stream, "Missing Authentication Token\"}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpApiBufferedBody_BackendStalls_503BeforeAnythingIsSent()
    {
        // A response mapping that reads $response.body buffers the body before the head is sent:
        // a backend that stalls there is answered as a timeout.
        var clock = new FakeTimeProvider();
        var answerNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backendClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = RawBackend.Start(async exchange =>
        {
            await answerNow.Task.WaitAsync(exchange.Stopping);
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
            await exchange.WaitForCloseAsync();
            backendClosed.TrySetResult();
        });
        var integration = HttpProxy(backend.Url + "/slow", responses: [("200", [("overwrite:header.X-Body", "$response.body.id")])], timeoutInMillis: TimeoutMs);
        await using var gateway = await RunningGateway.StartAsync(Config(HttpApi("h", "$default", Resource("/slow", ("GET", integration)))), clock);

        var answer = RawHttp.GetAsync(gateway.BaseUri.Port, "/slow");
        // The wait for the head has its timer started; move the clock a little, so that the
        // timers the body's reads start afterwards are told apart from it, then let the backend answer.
        await clock.WhenTimerDue(Timeout).WaitAsync(Patience);
        clock.Advance(Tick);
        answerNow.SetResult();
        await clock.WhenTimerDue(Timeout).WaitAsync(Patience);
        clock.Advance(Timeout);
        var (status, response) = await answer.WaitAsync(Patience);

        Assert.Equal(503, status);
        Assert.EndsWith("{\"message\":\"Service Unavailable\"}", response, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Body", response, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, gateway.Server.Services.Forwarder.BodyIdleTimeouts);
        await backendClosed.Task.WaitAsync(Patience);
    }

    private static Task<RunningGateway> StartAsync(RawBackend backend, FakeTimeProvider clock) =>
        RunningGateway.StartAsync(Config(Api("s", "prod", Resource("/slow", ("GET", Proxy(backend.Url + "/slow") with { TimeoutInMillis = TimeoutMs })))), clock);

    /// <summary>Reads until what was read ends with <paramref name="end"/>.</summary>
    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                throw new IOException($"the connection ended after '{text}'");
            }
            text.Append((char)one[0]);
        }
        return text.ToString();
    }

    /// <summary>What arrives until the connection ends, by a close or a reset.</summary>
    private static async Task<string> ReadToEndOrResetAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var text = new StringBuilder();
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
        }
        return text.ToString();
    }
}
