using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>
/// Tollgate's own HTTP/1.1 client for plain <c>http://</c> backends: pooled keep-alive
/// connections per host and port, reused last-in first-out, closed after
/// <see cref="IdleTimeout"/> unused or <see cref="Lifetime"/> in all. A connection is checked
/// before reuse: one the backend closed, or sent unasked bytes on, while it was idle is dropped. A
/// request that still fails on a reused connection before any byte of the answer arrived is sent
/// once more on a new connection when it has no body to replay.
/// </summary>
internal sealed class Http1Pool : IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Endpoint>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private bool _disposed;

    public Http1Pool(TimeProvider time)
    {
        _time = time;
        _bySpan = _endpoints.GetAlternateLookup<ReadOnlySpan<char>>();
        _sweeper = time.CreateTimer(static state => ((Http1Pool)state!).Sweep(), this, IdleTimeout / 2, IdleTimeout / 2);
    }

    /// <summary>Idle connections waiting for reuse (for tests and diagnostics).</summary>
    public int IdleCount
    {
        get
        {
            var count = 0;
            foreach (var endpoint in _endpoints.Values)
            {
                count += endpoint.IdleCount;
            }
            return count;
        }
    }

    /// <summary>Idle connections that have something to read: closed by the backend, or sent bytes unasked (for tests and diagnostics).</summary>
    public int IdleWithPendingInput
    {
        get
        {
            var count = 0;
            foreach (var endpoint in _endpoints.Values)
            {
                count += endpoint.CountPendingInput();
            }
            return count;
        }
    }

    /// <summary>Connections opened since start (for tests and diagnostics).</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    private long _opened;

    /// <summary>
    /// Sends the request and returns once the backend's head has arrived; the body is then read
    /// from the response. <paramref name="cancellationToken"/> bounds the wait for the head.
    /// </summary>
    public ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        SendAsync(request, null, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(UpstreamRequest, CancellationToken)"/>, for a request that holds
    /// <paramref name="slot"/>: the response keeps it until disposed; a failure gives it back.
    /// </summary>
    public async ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, BackendLimiter.Backend? slot, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = EndpointFor(request.Target);
            var retried = false;
            while (true)
            {
                // A retry goes on a new connection: the others left idle as long may be as dead.
                var connection = retried ? null : endpoint.Rent(_time);
                var reused = connection is not null;
                if (connection is not null && connection.HasPendingInput())
                {
                    // The backend closed it, or sent bytes no request asked for, while it was idle:
                    // such bytes must never be read as the answer to this request. Take another.
                    connection.Dispose();
                    continue;
                }
                connection ??= await ConnectAsync(endpoint, cancellationToken);
                try
                {
                    var response = await connection.SendAsync(request, cancellationToken);
                    response.Hold(slot);
                    return response;
                }
                catch (Http1Exception e) when (reused && e.NothingReceived && request.Body is null && !retried)
                {
                    retried = true;
                }
            }
        }
        catch
        {
            slot?.Exit();
            throw;
        }
    }

    private Endpoint EndpointFor(Uri target)
    {
        // Keyed as the backend limiter keys it: scheme and authority, read without allocating.
        var key = BackendLimiter.Key(target);
        if (_bySpan.TryGetValue(key, out var found))
        {
            return found;
        }
        return _endpoints.GetOrAdd(key.ToString(), static (_, uri) => new Endpoint(uri), target);
    }

    private async ValueTask<Http1Connection> ConnectAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Socket? socket = null;
        using var timeout = new CancellationTokenSource(ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // Inside the try: out of file descriptors (EMFILE), even creating the socket fails,
            // and that is a failed connect like any other, not a crash.
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, linked.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            socket?.Dispose();
            var reason = e is SocketException ? e.Message : "connect timed out";
            throw new HttpRequestException($"{reason} ({endpoint.Host}:{endpoint.Port})", e);
        }
        catch
        {
            socket?.Dispose();
            throw;
        }
        Interlocked.Increment(ref _opened);
        return new Http1Connection(socket, endpoint, _time);
    }

    private void Sweep()
    {
        foreach (var endpoint in _endpoints.Values)
        {
            endpoint.Sweep(_time);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _sweeper.Dispose();
        foreach (var endpoint in _endpoints.Values)
        {
            endpoint.Close();
        }
    }

    /// <summary>One backend host and port: its Host header and its idle connections.</summary>
    internal sealed class Endpoint
    {
        private readonly Stack<Http1Connection> _idle = new();
        private readonly object _lock = new();
        private bool _closed;

        public Endpoint(Uri target)
        {
            Host = target.IdnHost;
            Port = target.Port;
            HostHeader = target.IsDefaultPort
                ? (target.HostNameType == UriHostNameType.IPv6 ? "[" + Host + "]" : Host)
                : (target.HostNameType == UriHostNameType.IPv6 ? "[" + Host + "]" : Host) + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            HostLine = System.Text.Encoding.ASCII.GetBytes("Host: " + HostHeader + "\r\n");
        }

        public string Host { get; }

        public int Port { get; }

        public string HostHeader { get; }

        /// <summary>The whole <c>Host</c> field line, encoded once.</summary>
        public byte[] HostLine { get; }

        public int IdleCount
        {
            get
            {
                lock (_lock)
                {
                    return _idle.Count;
                }
            }
        }

        public int CountPendingInput()
        {
            lock (_lock)
            {
                var count = 0;
                foreach (var connection in _idle)
                {
                    count += connection.HasPendingInput() ? 1 : 0;
                }
                return count;
            }
        }

        public Http1Connection? Rent(TimeProvider time)
        {
            while (true)
            {
                Http1Connection? connection;
                lock (_lock)
                {
                    if (!_idle.TryPop(out connection))
                    {
                        return null;
                    }
                }
                if (!connection.Expired(time))
                {
                    return connection;
                }
                connection.Dispose();
            }
        }

        public void Return(Http1Connection connection, TimeProvider time)
        {
            connection.IdleSince = time.GetTimestamp();
            if (time.GetElapsedTime(connection.CreatedAt) < Lifetime)
            {
                lock (_lock)
                {
                    if (!_closed)
                    {
                        _idle.Push(connection);
                        return;
                    }
                }
            }
            connection.Dispose();
        }

        public void Sweep(TimeProvider time)
        {
            List<Http1Connection>? expired = null;
            lock (_lock)
            {
                if (_idle.Count == 0)
                {
                    return;
                }
                var keep = new List<Http1Connection>(_idle.Count);
                // The stack enumerates newest first; rebuild it in the same order without the expired.
                foreach (var connection in _idle)
                {
                    if (connection.Expired(time))
                    {
                        (expired ??= []).Add(connection);
                    }
                    else
                    {
                        keep.Add(connection);
                    }
                }
                if (expired is null)
                {
                    return;
                }
                _idle.Clear();
                for (var i = keep.Count - 1; i >= 0; i--)
                {
                    _idle.Push(keep[i]);
                }
            }
            foreach (var connection in expired)
            {
                connection.Dispose();
            }
        }

        public void Close()
        {
            Http1Connection[] idle;
            lock (_lock)
            {
                _closed = true;
                idle = [.. _idle];
                _idle.Clear();
            }
            foreach (var connection in idle)
            {
                connection.Dispose();
            }
        }
    }
}
