using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>The answer's body with its framing removed, and the streams handed out for it.</summary>
internal sealed partial class Http1Connection
{
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
