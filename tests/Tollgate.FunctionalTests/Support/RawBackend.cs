using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.FunctionalTests.Support;

/// <summary>
/// A backend that speaks HTTP/1.1 by hand on 127.0.0.1 (port chosen by the OS): it reads each
/// request head exactly as the gateway wrote it and lets the test answer as no real server would
/// (a body that stops half-way, a 101 followed by raw bytes). One exchange per connection; the
/// connection is closed when the handler returns.
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawExchange, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private RawBackend(Func<RawExchange, Task> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Every request head received (request line and fields, up to the empty line), in order.</summary>
    public ConcurrentQueue<string> Heads { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    public static RawBackend Start(Func<RawExchange, Task> handler) => new(handler);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var head = await ReadHeadAsync(stream, _stop.Token);
                if (head is null)
                {
                    return;
                }
                Heads.Enqueue(head);
                await _handler(new RawExchange(stream, head, _stop.Token));
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Reads byte by byte up to the empty line, so nothing after the head is consumed.</summary>
    private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancel)
    {
        var head = new List<byte>(1024);
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                return null;
            }
            head.Add(one[0]);
        }
        return Encoding.Latin1.GetString(head.ToArray(), 0, head.Count - 4);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>One request on a <see cref="RawBackend"/>: its head, and the connection to answer on.</summary>
public sealed class RawExchange(NetworkStream stream, string head, CancellationToken stopping)
{
    public NetworkStream Stream { get; } = stream;

    /// <summary>The request line and header lines, CR LF between them, without the final empty line.</summary>
    public string Head { get; } = head;

    public CancellationToken Stopping { get; } = stopping;

    public Task WriteAsync(string text) => Stream.WriteAsync(Encoding.ASCII.GetBytes(text), Stopping).AsTask();

    /// <summary>Completes when the gateway closes (or resets) the connection; what it sends until then is ignored.</summary>
    public async Task WaitForCloseAsync()
    {
        var buffer = new byte[1024];
        try
        {
            while (await Stream.ReadAsync(buffer, Stopping) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
    }
}
