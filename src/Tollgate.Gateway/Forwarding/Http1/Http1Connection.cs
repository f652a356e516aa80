using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>
/// One keep-alive connection to a backend, one exchange at a time. The request head is written
/// in one send straight from the gateway's header strings; the response head is parsed in place
/// from the connection's buffer; the body is read through <see cref="ResponseBody"/> with its
/// framing (Content-Length, chunked, or up to the close) removed. Header lines that repeat
/// byte for byte from one answer to the next (a backend's <c>Server</c>, <c>Content-Type</c>,
/// <c>Date</c> within a second) reuse the strings made for them last time.
/// </summary>
internal sealed partial class Http1Connection : IDisposable
{
    /// <summary>The largest response head accepted, as SocketsHttpHandler's default.</summary>
    public const int MaxHeadBytes = 64 * 1024;
    private const int MaxLineBytes = 8 * 1024;
    private const int BufferSize = 8 * 1024;
    private const int BodyChunkSize = 64 * 1024;
    private const int ChunkPrefix = 18;
    private const int MaxCachedLines = 32;
    private const int MaxCachedLineBytes = 512;

    private readonly Socket _socket;
    private readonly Http1Pool.Endpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly ResponseBody _body;
    private readonly List<KeyValuePair<string, string>> _headers = new(16);
    private readonly CachedLine?[] _lines = new CachedLine?[MaxCachedLines];
    private byte[] _read = new byte[BufferSize];
    private int _start;
    private int _end;
    private byte[] _write = new byte[BufferSize];
    private int _disposed;

    // The current exchange.
    private bool _received;
    private bool _keepAlive;
    private bool _upgraded;
    private BodyKind _kind;
    private long _remaining;
    private ChunkState _chunk;
    private int _lineStart;
    private int _headScanned;
    private Task<Exception?>? _sending;
    private CancellationTokenSource? _clientBodyFailed;

    public Http1Connection(Socket socket, Http1Pool.Endpoint endpoint, TimeProvider time)
    {
        _socket = socket;
        _endpoint = endpoint;
        _time = time;
        CreatedAt = time.GetTimestamp();
        IdleSince = CreatedAt;
        _body = new ResponseBody(this);
    }

    private enum BodyKind { None, Length, Chunked, UntilClose }

    private enum ChunkState { Size, Data, DataEnd, Trailers, Done }

    public long CreatedAt { get; }

    public long IdleSince { get; set; }

    public bool Expired(TimeProvider time) =>
        time.GetElapsedTime(IdleSince) >= Http1Pool.IdleTimeout || time.GetElapsedTime(CreatedAt) >= Http1Pool.Lifetime;

    /// <summary>True when an idle connection has something to read: the backend closed it, or sent bytes unasked.</summary>
    public bool HasPendingInput()
    {
        try
        {
            return _start != _end || _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Sends the request and reads the answer's head. On any failure the connection is closed.</summary>
    public async ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        try
        {
            _received = false;
            _upgraded = false;
            _headScanned = 0;
            _sending = null;
            _clientBodyFailed = null;
            var chunked = request.Body is not null && request.ContentLength is null;
            var length = WriteHead(request, chunked);
            await SendAllAsync(_write.AsMemory(0, length), cancellationToken, nothingReceived: true);

            var headToken = cancellationToken;
            if (request.Body is not null)
            {
                _clientBodyFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                headToken = _clientBodyFailed.Token;
                _sending = SendBodyAsync(request.Body, chunked, request.ContentLength, _clientBodyFailed, cancellationToken);
            }

            // The answer's head, read straight from the socket (one async level, not one per helper).
            var headRequest = HttpMethodIsHead(request.Method);
            int status;
            try
            {
                while (!TryParseHead(headRequest, out status))
                {
                    var space = MakeRoom();
                    int n;
                    try
                    {
                        n = await _socket.ReceiveAsync(space, SocketFlags.None, headToken);
                    }
                    catch (SocketException e)
                    {
                        throw new Http1Exception($"reading from the backend failed: {e.Message}", !_received, e);
                    }
                    if (n == 0)
                    {
                        throw new Http1Exception(_received
                            ? "the backend closed the connection in the middle of the response head"
                            : "the backend closed the connection without answering", !_received);
                    }
                    _received = true;
                    _end += n;
                }
            }
            catch (Exception) when (_clientBodyFailed is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
            {
                // Only the body sender cancels the wait on its own: reading the client's body failed
                // (too large, or the client went away), and that is the cause. The wait may end
                // before the sender has returned its failure; it is about to, so await it.
                if (await _sending! is { } clientFailure)
                {
                    ExceptionDispatchInfo.Throw(clientFailure);
                }
                throw;
            }

            if (status == 101)
            {
                if (request.Upgrade is null)
                {
                    throw new Http1Exception("the backend switched protocols without being asked to", false);
                }
                _upgraded = true;
                return new Http1Response(this, status, _headers, new UpgradedStream(this));
            }
            return new Http1Response(this, status, _headers, _body);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static bool HttpMethodIsHead(string method) => string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);

    /// <summary>The exchange is over: back to the pool if it ended cleanly and may be reused, closed otherwise.</summary>
    internal void Release()
    {
        var sending = _sending;
        var sendDone = sending is null || (sending.IsCompletedSuccessfully && sending.Result is null);
        if (sending is null || sending.IsCompleted)
        {
            _clientBodyFailed?.Dispose();
        }
        var bodyDone = _kind switch
        {
            BodyKind.None => true,
            BodyKind.Length => _remaining == 0,
            BodyKind.Chunked => _chunk == ChunkState.Done,
            _ => false,
        };
        if (_keepAlive && !_upgraded && sendDone && bodyDone && _start == _end && Volatile.Read(ref _disposed) == 0)
        {
            _endpoint.Return(this, _time);
        }
        else
        {
            Dispose();
        }
    }

    /// <summary>The free end of the read buffer, after moving unread bytes to the front or growing it.</summary>
    private Memory<byte> MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _read.Length)
        {
            if (_start > 0)
            {
                _read.AsSpan(_start, _end - _start).CopyTo(_read);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _read, _read.Length * 2);
            }
        }
        return _read.AsMemory(_end);
    }

    /// <summary>Reads more into the buffer. False at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var space = MakeRoom();
        int n;
        try
        {
            n = await _socket.ReceiveAsync(space, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new Http1Exception($"reading from the backend failed: {e.Message}", !_received, e);
        }
        if (n == 0)
        {
            return false;
        }
        _received = true;
        _end += n;
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
        }
    }
}
