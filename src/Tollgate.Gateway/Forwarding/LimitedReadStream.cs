using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.Forwarding;

/// <summary>Thrown when a streamed request body grows past the limit.</summary>
internal sealed class RequestBodyTooLargeException(long limit)
    : IOException($"The request body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Passes a request body through while counting it, so a body without Content-Length (chunked)
/// is still held to the limit without being buffered. A malformed body always surfaces as
/// <see cref="BadHttpRequestException"/>, the client's fault (400), never as a failure of the
/// endpoint.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException e) when (e is not BadHttpRequestException && IsMalformedBody(e))
        {
            throw new BadHttpRequestException(e.Message, StatusCodes.Status400BadRequest, e);
        }
        return Count(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return Count(inner.Read(buffer, offset, count));
        }
        catch (IOException e) when (e is not BadHttpRequestException && IsMalformedBody(e))
        {
            throw new BadHttpRequestException(e.Message, StatusCodes.Status400BadRequest, e);
        }
    }

    /// <summary>
    /// True when reading a client's body failed because the body is malformed. Kestrel reports
    /// that as <see cref="BadHttpRequestException"/>, but for one case: a chunk size that
    /// overflows is a plain <see cref="IOException"/> around an <see cref="OverflowException"/>
    /// (its chunk-size parser counts with checked arithmetic). That is the client's malformed
    /// body too, so this stream rethrows it as the same exception.
    /// </summary>
    internal static bool IsMalformedBody(Exception e) =>
        e is BadHttpRequestException || (e is IOException && e.InnerException is OverflowException);

    private int Count(int n)
    {
        _read += n;
        if (_read > limit)
        {
            throw new RequestBodyTooLargeException(limit);
        }
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
