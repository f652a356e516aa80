using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
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
internal sealed class Http1Connection : IDisposable
{
    /// <summary>The largest response head accepted, as SocketsHttpHandler's default.</summary>
    public const int MaxHeadBytes = 64 * 1024;
    private const int MaxLineBytes = 8 * 1024;
    private const int BufferSize = 8 * 1024;
    private const int BodyChunkSize = 64 * 1024;
    private const int ChunkPrefix = 18;
    private const int MaxCachedLines = 32;
    private const int MaxCachedLineBytes = 512;

    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);
    private static readonly SearchValues<char> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    /// <summary>Names given their usual spelling whatever case the backend used, as SocketsHttpHandler does.</summary>
    private static readonly string[] KnownNames =
    [
        "Accept-Ranges", "Access-Control-Allow-Origin", "Age", "Cache-Control", "Connection", "Content-Encoding",
        "Content-Length", "Content-Type", "Date", "ETag", "Expires", "Keep-Alive", "Last-Modified", "Location",
        "Server", "Set-Cookie", "Transfer-Encoding", "Upgrade", "Vary",
    ];

    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

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

    private enum FieldKind { Other, ContentLength, TransferEncoding, Connection }

    private sealed record CachedLine(byte[] Bytes, string Name, string Value, FieldKind Kind, long Number);

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

    // ---- Request ----

    private int WriteHead(UpstreamRequest request, bool chunked)
    {
        var pos = 0;
        pos = Append(pos, request.Method);
        pos = Append(pos, " ");
        pos = Append(pos, request.Target.PathAndQuery);
        pos = Append(pos, " HTTP/1.1\r\n");
        pos = Append(pos, _endpoint.HostLine);
        foreach (var (name, value) in request.Headers)
        {
            if (name.Length == 0 || name.AsSpan().IndexOfAnyExcept(TokenChars) >= 0)
            {
                throw new Http1Exception($"the request header name '{name}' is not a valid field name", false);
            }
            if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new Http1Exception($"the request header '{name}' has a line break or NUL in its value", false);
            }
            pos = Append(pos, name);
            pos = Append(pos, ": ");
            pos = Append(pos, value);
            pos = Append(pos, "\r\n");
        }
        if (request.Upgrade is { } upgrade)
        {
            if (upgrade.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new Http1Exception("the Upgrade header has a line break or NUL in its value", false);
            }
            pos = Append(pos, "Connection: Upgrade\r\nUpgrade: ");
            pos = Append(pos, upgrade);
            pos = Append(pos, "\r\n");
        }
        if (chunked)
        {
            pos = Append(pos, "Transfer-Encoding: chunked\r\n");
        }
        else if (request.ContentLength is { } length)
        {
            pos = Append(pos, "Content-Length: ");
            pos = AppendNumber(pos, length);
            pos = Append(pos, "\r\n");
        }
        else if (request.Body is null && MustHaveBody(request.Method))
        {
            pos = Append(pos, "Content-Length: 0\r\n");
        }
        return Append(pos, "\r\n");
    }

    private static bool MustHaveBody(string method) =>
        method.Equals("POST", StringComparison.OrdinalIgnoreCase) || method.Equals("PUT", StringComparison.OrdinalIgnoreCase)
        || method.Equals("PATCH", StringComparison.OrdinalIgnoreCase);

    private int Append(int pos, string text)
    {
        // ASCII as it is; anything else as UTF-8, as the gateway received it.
        EnsureWrite(pos, text.Length * 3);
        var status = Ascii.FromUtf16(text, _write.AsSpan(pos), out var written);
        return status == OperationStatus.Done ? pos + written : pos + Encoding.UTF8.GetBytes(text, _write.AsSpan(pos));
    }

    private int Append(int pos, ReadOnlySpan<byte> bytes)
    {
        EnsureWrite(pos, bytes.Length);
        bytes.CopyTo(_write.AsSpan(pos));
        return pos + bytes.Length;
    }

    private int AppendNumber(int pos, long value)
    {
        EnsureWrite(pos, 20);
        Utf8Formatter.TryFormat(value, _write.AsSpan(pos), out var written);
        return pos + written;
    }

    private void EnsureWrite(int pos, int more)
    {
        if (pos + more > _write.Length)
        {
            Array.Resize(ref _write, Math.Max(_write.Length * 2, pos + more));
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken, bool nothingReceived)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken);
                data = data[sent..];
            }
        }
        catch (SocketException e)
        {
            throw new Http1Exception($"sending to the backend failed: {e.Message}", nothingReceived && !_received, e);
        }
    }

    /// <summary>
    /// Streams the client's body to the backend while the answer is awaited (a backend may answer
    /// before it has read the body). Returns the failure instead of throwing; a failure to read
    /// the client's body also cancels the wait for the answer.
    /// </summary>
    private async Task<Exception?> SendBodyAsync(Stream body, bool chunked, long? length, CancellationTokenSource clientFailed, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BodyChunkSize);
        try
        {
            long sent = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(ChunkPrefix, buffer.Length - ChunkPrefix - 2), cancellationToken);
                }
                catch (Exception e)
                {
                    CancelQuietly(clientFailed);
                    return e;
                }
                if (read == 0)
                {
                    break;
                }
                sent += read;
                if (length is { } declared && sent > declared)
                {
                    CancelQuietly(clientFailed);
                    return new IOException("the request body is longer than its Content-Length");
                }
                if (chunked)
                {
                    // "{size in hex}\r\n" right before the data, "\r\n" after it: one send per chunk.
                    var start = ChunkPrefix - 2;
                    for (var rest = read; rest > 0 || start == ChunkPrefix - 2; rest >>= 4)
                    {
                        buffer[--start] = (byte)"0123456789abcdef"[rest & 0xF];
                    }
                    buffer[ChunkPrefix - 2] = (byte)'\r';
                    buffer[ChunkPrefix - 1] = (byte)'\n';
                    buffer[ChunkPrefix + read] = (byte)'\r';
                    buffer[ChunkPrefix + read + 1] = (byte)'\n';
                    await SendAllAsync(buffer.AsMemory(start, ChunkPrefix + read + 2 - start), cancellationToken, false);
                }
                else
                {
                    await SendAllAsync(buffer.AsMemory(ChunkPrefix, read), cancellationToken, false);
                }
            }
            if (chunked)
            {
                await SendAllAsync(LastChunk, cancellationToken, false);
            }
            else if (length is { } declared && sent != declared)
            {
                CancelQuietly(clientFailed);
                return new IOException("the request body is shorter than its Content-Length");
            }
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    // ---- Response head ----

    /// <summary>
    /// Parses the answer's head if it is all in the buffer (skipping 1xx informational answers,
    /// which a 100 Continue or 103 Early Hints may put before it).
    /// </summary>
    private bool TryParseHead(bool headRequest, out int status)
    {
        while (true)
        {
            var length = HeadLength(_read.AsSpan(_start, _end - _start), _headScanned);
            if (length < 0)
            {
                if (_end - _start >= MaxHeadBytes)
                {
                    throw new Http1Exception($"the backend's response head is larger than {MaxHeadBytes / 1024} KB", false);
                }
                // The next search starts where this one ended, so a head arriving in small pieces
                // is scanned once, not once per piece.
                _headScanned = _end - _start;
                status = 0;
                return false;
            }
            _headScanned = 0;
            status = ParseHead(_read.AsSpan(_start, length), headRequest);
            _start += length;
            if (status is < 100 or >= 200 or 101)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The length of the head including its empty last line, or -1 when it is not all here yet.
    /// <paramref name="scanned"/> bytes were searched before without finding its end; the search
    /// resumes two bytes before them, so an end that straddles the pieces is found.
    /// </summary>
    private static int HeadLength(ReadOnlySpan<byte> data, int scanned)
    {
        var from = Math.Max(0, scanned - 2);
        var rest = data[from..];
        var crlf = rest.IndexOf("\n\r\n"u8);
        var lf = rest.IndexOf("\n\n"u8);
        if (crlf < 0)
        {
            return lf < 0 ? -1 : from + lf + 2;
        }
        return from + (lf >= 0 && lf + 2 < crlf + 3 ? lf + 2 : crlf + 3);
    }

    private int ParseHead(ReadOnlySpan<byte> head, bool headRequest)
    {
        _headers.Clear();
        var line = NextLine(ref head);
        while (line.IsEmpty && !head.IsEmpty)
        {
            line = NextLine(ref head);
        }
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)line[7]) || line[8] != (byte)' '
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var consumed) || consumed != 3 || status < 100
            || (line.Length > 12 && line[12] != (byte)' '))
        {
            throw new Http1Exception("the backend's answer does not start with an HTTP/1.x status line", false);
        }
        var http10 = line[7] == (byte)'0';

        long? contentLength = null;
        var transferEncoding = false;
        var chunked = false;
        var close = false;
        var keepAlive = false;
        var index = 0;
        while (!head.IsEmpty)
        {
            line = NextLine(ref head);
            if (line.IsEmpty)
            {
                break;
            }
            var field = Field(line, index++);
            _headers.Add(new(field.Name, field.Value));
            switch (field.Kind)
            {
                case FieldKind.ContentLength:
                    if (contentLength is { } seen && seen != field.Number)
                    {
                        throw new Http1Exception("the backend sent conflicting Content-Length values", false);
                    }
                    contentLength = field.Number;
                    break;
                case FieldKind.TransferEncoding:
                    transferEncoding = true;
                    chunked = LastCodingIsChunked(field.Value);
                    break;
                case FieldKind.Connection:
                    foreach (var range in field.Value.AsSpan().Split(','))
                    {
                        var token = field.Value.AsSpan(range).Trim();
                        close |= token.Equals("close", StringComparison.OrdinalIgnoreCase);
                        keepAlive |= token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase);
                    }
                    break;
            }
        }

        _keepAlive = http10 ? keepAlive && !close : !close;
        _remaining = 0;
        _chunk = ChunkState.Size;
        if (status < 200 || status is 204 or 304 || headRequest)
        {
            _kind = BodyKind.None;
        }
        else if (transferEncoding)
        {
            // With both, Transfer-Encoding decides and the connection is not trusted afterwards;
            // nor after Transfer-Encoding in HTTP/1.0, which has none (RFC 9112, 6.1).
            _kind = chunked ? BodyKind.Chunked : BodyKind.UntilClose;
            _keepAlive &= chunked && contentLength is null && !http10;
        }
        else if (contentLength is { } declared)
        {
            _kind = BodyKind.Length;
            _remaining = declared;
        }
        else
        {
            _kind = BodyKind.UntilClose;
            _keepAlive = false;
        }
        return status;
    }

    private static bool LastCodingIsChunked(string value)
    {
        var comma = value.LastIndexOf(',');
        var last = (comma < 0 ? value.AsSpan() : value.AsSpan(comma + 1)).Trim();
        return last.Equals("chunked", StringComparison.OrdinalIgnoreCase);
    }

    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> data)
    {
        var lf = data.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line;
        if (lf < 0)
        {
            line = data;
            data = default;
        }
        else
        {
            line = data[..lf];
            data = data[(lf + 1)..];
        }
        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    private CachedLine Field(ReadOnlySpan<byte> line, int index)
    {
        if (index < MaxCachedLines && _lines[index] is { } cached && line.SequenceEqual(cached.Bytes))
        {
            return cached;
        }
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            throw new Http1Exception("the backend folded a header line (obsolete line folding is not accepted)", false);
        }
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[..colon].IndexOfAnyExcept(TokenBytes) >= 0)
        {
            throw new Http1Exception("the backend sent a malformed header line", false);
        }
        var valueBytes = line[(colon + 1)..].Trim(" \t"u8);
        if (valueBytes.IndexOfAny(ControlBytes) >= 0)
        {
            throw new Http1Exception("the backend sent a control character in a header value", false);
        }
        var name = KnownName(line[..colon]) ?? Encoding.ASCII.GetString(line[..colon]);
        var value = Encoding.Latin1.GetString(valueBytes);
        var kind = FieldKind.Other;
        long number = 0;
        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
        {
            kind = FieldKind.ContentLength;
            // Digits only (1*DIGIT): the parser alone would also take a sign.
            if (valueBytes.IsEmpty || valueBytes.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
                || !Utf8Parser.TryParse(valueBytes, out number, out var consumed) || consumed != valueBytes.Length)
            {
                throw new Http1Exception("the backend sent an invalid Content-Length", false);
            }
        }
        else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
        {
            kind = FieldKind.TransferEncoding;
        }
        else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
        {
            kind = FieldKind.Connection;
        }
        var field = new CachedLine(line.ToArray(), name, value, kind, number);
        if (index < MaxCachedLines && line.Length <= MaxCachedLineBytes)
        {
            _lines[index] = field;
        }
        return field;
    }

    private static string? KnownName(ReadOnlySpan<byte> name)
    {
        foreach (var known in KnownNames)
        {
            if (known.Length == name.Length && Ascii.EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }
        return null;
    }

    // ---- Response body ----

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }
        switch (_kind)
        {
            case BodyKind.Length:
                if (_remaining == 0)
                {
                    return 0;
                }
                var n = await ReadRawAsync(destination[..(int)Math.Min(destination.Length, _remaining)], cancellationToken, endIsError: true);
                _remaining -= n;
                return n;
            case BodyKind.UntilClose:
                return await ReadRawAsync(destination, cancellationToken, endIsError: false);
            case BodyKind.Chunked:
                return await ReadChunkedAsync(destination, cancellationToken);
            default:
                return 0;
        }
    }

    private async ValueTask<int> ReadChunkedAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (_chunk)
            {
                case ChunkState.Size:
                {
                    var length = await ReadLineAsync(cancellationToken);
                    var line = _read.AsSpan(_lineStart, length);
                    var end = line.IndexOfAny((byte)';', (byte)' ', (byte)'\t');
                    var digits = end < 0 ? line : line[..end];
                    // After the size only whitespace, then extensions (";name=value").
                    var extensions = end < 0 ? default : line[end..].TrimStart(" \t"u8);
                    if (digits.IsEmpty || (!extensions.IsEmpty && extensions[0] != (byte)';')
                        || !Utf8Parser.TryParse(digits, out long size, out var consumed, 'x') || consumed != digits.Length || size < 0)
                    {
                        throw new Http1Exception("the backend sent a malformed chunk size", false);
                    }
                    _remaining = size;
                    _chunk = size == 0 ? ChunkState.Trailers : ChunkState.Data;
                    break;
                }
                case ChunkState.Data:
                {
                    var n = await ReadRawAsync(destination[..(int)Math.Min(destination.Length, _remaining)], cancellationToken, endIsError: true);
                    _remaining -= n;
                    if (_remaining == 0)
                    {
                        _chunk = ChunkState.DataEnd;
                    }
                    return n;
                }
                case ChunkState.DataEnd:
                    if (await ReadLineAsync(cancellationToken) != 0)
                    {
                        throw new Http1Exception("the backend sent a chunk longer than its size", false);
                    }
                    _chunk = ChunkState.Size;
                    break;
                case ChunkState.Trailers:
                    // Trailer fields end with an empty line; they are not passed on.
                    if (await ReadLineAsync(cancellationToken) == 0)
                    {
                        _chunk = ChunkState.Done;
                    }
                    break;
                default:
                    return 0;
            }
        }
    }

    /// <summary>Reads up to the next line feed; the line (without CR LF) is at <see cref="_lineStart"/>.</summary>
    private async ValueTask<int> ReadLineAsync(CancellationToken cancellationToken)
    {
        int lf;
        while ((lf = _read.AsSpan(_start, _end - _start).IndexOf((byte)'\n')) < 0)
        {
            if (_end - _start >= MaxLineBytes)
            {
                throw new Http1Exception("the backend sent a chunk line that is too long", false);
            }
            if (!await FillAsync(cancellationToken))
            {
                throw new Http1Exception("the backend closed the connection in the middle of a chunked body", false);
            }
        }
        _lineStart = _start;
        var length = lf > 0 && _read[_start + lf - 1] == (byte)'\r' ? lf - 1 : lf;
        _start += lf + 1;
        return length;
    }

    /// <summary>Bytes already buffered first, then straight from the socket into the destination.</summary>
    private ValueTask<int> ReadRawAsync(Memory<byte> destination, CancellationToken cancellationToken, bool endIsError)
    {
        var buffered = _end - _start;
        if (buffered > 0)
        {
            var n = Math.Min(buffered, destination.Length);
            _read.AsSpan(_start, n).CopyTo(destination.Span);
            _start += n;
            return ValueTask.FromResult(n);
        }
        return ReceiveAsync(destination, cancellationToken, endIsError);
    }

    private async ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken, bool endIsError)
    {
        int n;
        try
        {
            n = await _socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new Http1Exception($"reading from the backend failed: {e.Message}", false, e);
        }
        if (n == 0 && endIsError)
        {
            throw new Http1Exception("the backend closed the connection before the end of the body", false);
        }
        _received = true;
        return n;
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

    /// <summary>The answer's body as a read-only stream (one per connection, reused by each exchange).</summary>
    private sealed class ResponseBody(Http1Connection connection) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            connection.ReadBodyAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>After 101 Switching Protocols: the connection both ways, bytes already read first.</summary>
    private sealed class UpgradedStream(Http1Connection connection) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        // A failed read or write is an IOException, as a stream's is (and SocketsHttpHandler's
        // upgraded stream's): that is what the forwarder's tunnel expects.
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await connection.ReadRawAsync(buffer, cancellationToken, endIsError: false);
            }
            catch (Http1Exception e)
            {
                throw new IOException(e.Message, e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await connection.SendAllAsync(buffer, cancellationToken, nothingReceived: false);
            }
            catch (Http1Exception e)
            {
                throw new IOException(e.Message, e);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                connection.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>An answer read by <see cref="Http1Connection"/>.</summary>
internal sealed class Http1Response(Http1Connection connection, int statusCode, List<KeyValuePair<string, string>> headers, Stream body) : UpstreamResponse
{
    private int _released;

    public override int StatusCode => statusCode;

    public override IReadOnlyList<KeyValuePair<string, string>> Headers => headers;

    public override Stream Body => body;

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            connection.Release();
        }
    }
}
