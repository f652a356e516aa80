using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// A request body read into memory once, for the stages that need all of it (validation, mapping
/// templates, Lambda events). Reading it replaces the request stream with a stream over the same
/// bytes, so a later stage that streams (the HTTP proxy) still sends it and nothing reads the
/// socket twice.
/// </summary>
internal sealed class RequestBody
{
    private const int ChunkSize = 16 * 1024;

    private readonly byte[] _buffer;
    private string? _text;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public static RequestBody Empty { get; } = new([], 0);

    public int Length { get; }

    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>The body as UTF-8 text (invalid sequences become U+FFFD), decoded once.</summary>
    public string Text => _text ??= Length == 0 ? "" : Encoding.UTF8.GetString(_buffer, 0, Length);

    /// <summary>
    /// The body of the request, reading it on first use and bounded by the API's maximum body
    /// size (413 <c>REQUEST_TOO_LARGE</c> beyond it).
    /// </summary>
    public static async ValueTask<(RequestBody? Body, GatewayError? Error)> GetAsync(RequestContext context)
    {
        if (context.Body is { } known)
        {
            return (known, null);
        }
        var http = context.Http;
        var max = context.Stage?.Api.MaxRequestBodyBytes ?? ServerSettings.DefaultMaxRequestBodyBytes;
        var canHaveBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? http.Request.ContentLength > 0;
        if (!canHaveBody)
        {
            context.Body = Empty;
            return (Empty, null);
        }
        var declared = http.Request.ContentLength;
        if (declared > max)
        {
            return (null, TooLarge(max));
        }
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await ReadAsync(http.Request.Body, declared, max, http.RequestAborted);
        }
        catch (Exception e) when (LimitedReadStream.IsMalformedBody(e))
        {
            // A malformed chunked body (a bad or overflowing chunk size, a bare LF): the client's fault.
            context.IntegrationError = e.Message;
            return (null, GatewayError.Of(GatewayResponseType.DEFAULT_4XX));
        }
        if (length < 0)
        {
            return (null, TooLarge(max));
        }
        var body = new RequestBody(buffer, length);
        http.Request.Body = new MemoryStream(buffer, 0, length, writable: false);
        context.Body = body;
        return (body, null);
    }

    /// <summary>The whole body, bounded by <paramref name="max"/>; a length of -1 when it is larger.</summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadAsync(Stream stream, long? declared, long max, CancellationToken aborted)
    {
        var buffer = new byte[declared is { } d ? (int)d : ChunkSize];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (declared is not null)
                {
                    // Kestrel enforces Content-Length; one more read sees the end.
                    var probe = new byte[1];
                    if (await stream.ReadAsync(probe, aborted) == 0)
                    {
                        break;
                    }
                    return (buffer, -1);
                }
                if (length >= max)
                {
                    return (buffer, -1);
                }
                Array.Resize(ref buffer, (int)Math.Min(Math.Min(max + 1, Array.MaxLength), (long)buffer.Length * 2));
            }
            var read = await stream.ReadAsync(buffer.AsMemory(length), aborted);
            if (read == 0)
            {
                break;
            }
            length += read;
            if (length > max)
            {
                return (buffer, -1);
            }
        }
        return (buffer, length);
    }

    private static GatewayError TooLarge(long max) =>
        GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, $"HTTP content length exceeded {max} bytes");
}
