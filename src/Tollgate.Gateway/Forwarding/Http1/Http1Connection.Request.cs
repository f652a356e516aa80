using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>The request: its head written in one send, its body streamed while the answer is awaited.</summary>
internal sealed partial class Http1Connection
{
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

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
            // The forwarder refuses such a request before it gets here (UpstreamRequest.Problem);
            // this client never writes a head that another field could be smuggled into anyway.
            if (!HeaderRules.IsFieldName(name))
            {
                throw new Http1Exception($"the request header name '{name}' is not a valid field name", false);
            }
            if (!HeaderRules.IsFieldValue(value))
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
            if (!HeaderRules.IsFieldValue(upgrade))
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
}
