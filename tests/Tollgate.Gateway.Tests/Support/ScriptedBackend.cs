using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Gateway.Tests.Support;

/// <summary>
/// A backend on 127.0.0.1 that answers each request with exactly the bytes a test scripted (so
/// malformed and edge-case answers can be produced) and records what it received: every
/// connection, every byte, every request. Requests take the scripted replies in order, whichever
/// connection they arrive on; a request with no reply left gets its connection closed.
/// </summary>
public sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentQueue<Func<BackendExchange, Task>> _replies = new();
    private readonly List<BackendConnection> _connections = [];
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<Exception> _faults = [];
    private readonly List<TaskCompletionSource<BackendConnection>> _accepted = [];
    private readonly object _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ScriptedBackend()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public Uri Url(string pathAndQuery = "/") => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}{pathAndQuery}");

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>The connection accepted as number <paramref name="index"/> (from 0), once it is.</summary>
    public Task<BackendConnection> ConnectionAsync(int index) => Accepted(index).Task;

    private TaskCompletionSource<BackendConnection> Accepted(int index)
    {
        lock (_lock)
        {
            while (_accepted.Count <= index)
            {
                _accepted.Add(new(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            return _accepted[index];
        }
    }

    /// <summary>Request heads received so far, each with its body once a reply read it.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Unexpected failures of the backend itself (for a failing test's message).</summary>
    public IReadOnlyList<Exception> Faults
    {
        get
        {
            lock (_lock)
            {
                return [.. _faults];
            }
        }
    }

    /// <summary>Answers the next request with these bytes (Latin-1) after reading its body; closes after it when asked.</summary>
    public void Reply(string response, bool close = false) => Reply(async exchange =>
    {
        await exchange.ReadBodyAsync();
        await exchange.WriteAsync(response);
        if (close)
        {
            exchange.Close();
        }
    });

    /// <summary>Answers the next request with whatever the script does on the connection.</summary>
    public void Reply(Func<BackendExchange, Task> reply) => _replies.Enqueue(reply);

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            // A listener stopped by DisposeAsync before the next accept began says "Not listening".
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            socket.NoDelay = true;
            BackendConnection connection;
            lock (_lock)
            {
                connection = new BackendConnection(_connections.Count, socket);
                _connections.Add(connection);
            }
            Accepted(connection.Index).TrySetResult(connection);
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(BackendConnection connection)
    {
        try
        {
            while (await connection.ReadHeadAsync() is { } head)
            {
                var request = new ReceivedRequest(connection.Index, head);
                lock (_lock)
                {
                    _requests.Add(request);
                }
                if (!_replies.TryDequeue(out var reply))
                {
                    break;
                }
                await reply(new BackendExchange(connection, request));
                if (connection.IsClosed)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away while the script was talking to it.
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _faults.Add(e);
            }
        }
        finally
        {
            connection.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var connection in Connections())
        {
            connection.Close();
        }
        _stop.Dispose();

        BackendConnection[] Connections()
        {
            lock (_lock)
            {
                return [.. _connections];
            }
        }
    }
}

/// <summary>A request as the backend received it: the head, then the body as framed on the wire.</summary>
public sealed class ReceivedRequest(int connection, string head)
{
    private string? _body;

    /// <summary>Index of the connection it came on, in the order of acceptance.</summary>
    public int Connection { get; } = connection;

    /// <summary>The head, up to and including the empty line.</summary>
    public string Head { get; } = head;

    /// <summary>The body bytes (Latin-1) with their framing (chunk lines), once read.</summary>
    public string Body
    {
        get => Volatile.Read(ref _body) ?? "";
        internal set => Volatile.Write(ref _body, value);
    }

    public string Raw => Head + Body;
}

/// <summary>One request being answered: read its body, write the scripted bytes, close.</summary>
public sealed class BackendExchange(BackendConnection connection, ReceivedRequest request)
{
    public BackendConnection Connection { get; } = connection;

    public ReceivedRequest Request { get; } = request;

    /// <summary>Reads the body as its head frames it (Content-Length or chunked), records and returns it raw.</summary>
    public async Task<string> ReadBodyAsync()
    {
        var head = Request.Head;
        var body = new StringBuilder();
        if (HeaderValue(head, "Transfer-Encoding") is { } coding && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var line = await Connection.ReadLineAsync();
                body.Append(line);
                var digits = line.AsSpan().TrimEnd("\r\n");
                var semicolon = digits.IndexOf(';');
                var size = int.Parse(semicolon < 0 ? digits : digits[..semicolon], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    string trailer;
                    do
                    {
                        trailer = await Connection.ReadLineAsync();
                        body.Append(trailer);
                    }
                    while (trailer != "\r\n");
                    break;
                }
                body.Append(await Connection.ReadExactlyAsync(size + 2));
            }
        }
        else if (HeaderValue(head, "Content-Length") is { } length)
        {
            body.Append(await Connection.ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture)));
        }
        Request.Body = body.ToString();
        return Request.Body;
    }

    public Task WriteAsync(string bytes) => Connection.WriteAsync(bytes);

    public void Close() => Connection.Close();

    private static string? HeaderValue(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }
}

/// <summary>One accepted connection: buffered reads, recorded bytes, scripted writes.</summary>
public sealed class BackendConnection(int index, Socket socket)
{
    private readonly TaskCompletionSource _clientClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<byte> _pending = [];
    private readonly byte[] _chunk = new byte[16 * 1024];
    private long _received;
    private int _isClosed;

    public int Index { get; } = index;

    /// <summary>Every byte received on it so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _received);

    /// <summary>Completes when the client's side ended: its close (or reset) was read.</summary>
    public Task ClientClosed => _clientClosed.Task;

    /// <summary>Completes when the backend closed its side.</summary>
    public Task Closed => _closed.Task;

    public bool IsClosed => Volatile.Read(ref _isClosed) == 1;

    /// <summary>The next request head, or null when the client closed first.</summary>
    internal async Task<string?> ReadHeadAsync()
    {
        int end;
        while ((end = IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (!await FillAsync())
            {
                return null;
            }
        }
        return Take(end + 4);
    }

    /// <summary>The next line, with its CR LF.</summary>
    public async Task<string> ReadLineAsync()
    {
        int lf;
        while ((lf = IndexOf("\n"u8)) < 0)
        {
            if (!await FillAsync())
            {
                throw new IOException("the client closed the connection in the middle of a line");
            }
        }
        return Take(lf + 1);
    }

    public async Task<string> ReadExactlyAsync(int count)
    {
        while (_pending.Count < count)
        {
            if (!await FillAsync())
            {
                throw new IOException("the client closed the connection early");
            }
        }
        return Take(count);
    }

    /// <summary>Reads until these bytes have come (Latin-1); returns everything read up to and including them.</summary>
    public async Task<string> ReadUntilAsync(string marker)
    {
        var bytes = Encoding.Latin1.GetBytes(marker);
        int at;
        while ((at = IndexOf(bytes)) < 0)
        {
            if (!await FillAsync())
            {
                throw new IOException($"the client closed the connection before sending '{marker}'");
            }
        }
        return Take(at + bytes.Length);
    }

    /// <summary>Reads (and drops) whatever comes until the client closes its side.</summary>
    public async Task WaitForClientCloseAsync()
    {
        while (await FillAsync())
        {
            _pending.Clear();
        }
    }

    public async Task WriteAsync(string bytes)
    {
        var data = Encoding.Latin1.GetBytes(bytes);
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Writes the bytes in pieces of the given size, one send each.</summary>
    public async Task WriteInPiecesAsync(string bytes, int pieceSize)
    {
        for (var i = 0; i < bytes.Length; i += pieceSize)
        {
            await WriteAsync(bytes.Substring(i, Math.Min(pieceSize, bytes.Length - i)));
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _isClosed, 1) == 0)
        {
            socket.Dispose();
            _closed.TrySetResult();
        }
    }

    /// <summary>Closes abortively: the client gets a reset, not an orderly end.</summary>
    public void Reset()
    {
        if (!IsClosed)
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        Close();
    }

    private async Task<bool> FillAsync()
    {
        int n;
        try
        {
            n = await socket.ReceiveAsync(_chunk, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            if (!IsClosed)
            {
                // A reset from the client; a failure after the backend's own close is not the client's.
                _clientClosed.TrySetResult();
            }
            return false;
        }
        if (n == 0)
        {
            _clientClosed.TrySetResult();
            return false;
        }
        Interlocked.Add(ref _received, n);
        _pending.AddRange(_chunk.AsSpan(0, n));
        return true;
    }

    private int IndexOf(ReadOnlySpan<byte> value) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending).IndexOf(value);

    private string Take(int count)
    {
        var text = Encoding.Latin1.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[..count]);
        _pending.RemoveRange(0, count);
        return text;
    }
}
