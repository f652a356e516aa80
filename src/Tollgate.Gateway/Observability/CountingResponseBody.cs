using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// Counts the response body bytes a request sends, for <c>$context.responseLength</c> of a streamed
/// (chunked) response whose length no header states. Put in front of the server's body only for a
/// stage with an access log; every other request writes to the server directly.
/// </summary>
internal sealed class CountingResponseBody(Stream inner) : Stream
{
    private long _count;

    /// <summary>Body bytes written so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Wraps the response body of <paramref name="http"/>; the returned counter is also its new body.</summary>
    public static CountingResponseBody Install(HttpContext http)
    {
        var prior = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var counter = new CountingResponseBody(prior.Stream);
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(counter, prior));
        return counter;
    }

    /// <summary>Flushes what the body's pipe writer holds, so that it is sent and counted.</summary>
    public static Task CompleteAsync(HttpContext http) =>
        http.Features.Get<IHttpResponseBodyFeature>() is StreamResponseBodyFeature { Stream: CountingResponseBody } feature
            ? feature.CompleteAsync()
            : Task.CompletedTask;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Interlocked.Add(ref _count, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Interlocked.Add(ref _count, buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Interlocked.Add(ref _count, buffer.Length);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
