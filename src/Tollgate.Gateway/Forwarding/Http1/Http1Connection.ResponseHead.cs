using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>The answer's head: found, parsed in place, framing decided, repeated lines served from the line cache.</summary>
internal sealed partial class Http1Connection
{
    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    /// <summary>Names given their usual spelling whatever case the backend used, as SocketsHttpHandler does.</summary>
    private static readonly string[] KnownNames =
    [
        "Accept-Ranges", "Access-Control-Allow-Origin", "Age", "Cache-Control", "Connection", "Content-Encoding",
        "Content-Length", "Content-Type", "Date", "ETag", "Expires", "Keep-Alive", "Last-Modified", "Location",
        "Server", "Set-Cookie", "Transfer-Encoding", "Upgrade", "Vary",
    ];

    private enum FieldKind { Other, ContentLength, TransferEncoding, Connection }

    private sealed record CachedLine(byte[] Bytes, string Name, string Value, FieldKind Kind, long Number);

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
        var contentLengthAt = -1;
        var transferEncoding = false;
        var chunkedOnly = true;
        var chunkedCount = 0;
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
            switch (field.Kind)
            {
                case FieldKind.ContentLength:
                    // Repeated lines with the same value are one value (RFC 9110, 8.6): the client
                    // gets a single Content-Length; differing values are not a framing to guess at.
                    if (contentLength is { } seen)
                    {
                        if (seen != field.Number)
                        {
                            throw new Http1Exception("the backend sent conflicting Content-Length values", false);
                        }
                        continue;
                    }
                    contentLength = field.Number;
                    contentLengthAt = _headers.Count;
                    break;
                case FieldKind.TransferEncoding:
                    transferEncoding = true;
                    CountCodings(field.Value, ref chunkedCount, ref chunkedOnly);
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
            _headers.Add(new(field.Name, field.Value));
        }

        _keepAlive = http10 ? keepAlive && !close : !close;
        _remaining = 0;
        _chunk = ChunkState.Size;
        if (transferEncoding && contentLengthAt >= 0)
        {
            // Transfer-Encoding overrides Content-Length, and the body the client gets is the
            // de-chunked one: a length kept beside it would frame it wrongly (RFC 9112, 6.3).
            _headers.RemoveAt(contentLengthAt);
        }
        if (status < 200 || status is 204 or 304 || headRequest)
        {
            _kind = BodyKind.None;
        }
        else if (transferEncoding)
        {
            // Only chunked, once, is decoded. Any other coding (gzip, chunked; chunked, identity)
            // would reach the client still encoded with nothing saying so: refused, as nginx does.
            if (!chunkedOnly || chunkedCount != 1)
            {
                throw new Http1Exception("the backend sent a Transfer-Encoding other than chunked", false);
            }
            // With both, Transfer-Encoding decides and the connection is not trusted afterwards;
            // nor after Transfer-Encoding in HTTP/1.0, which has none (RFC 9112, 6.1).
            _kind = BodyKind.Chunked;
            _keepAlive &= contentLength is null && !http10;
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

    /// <summary>
    /// Counts the codings of one Transfer-Encoding line that are chunked, and notes any other
    /// (empty list elements are skipped, RFC 9110, 5.6.1).
    /// </summary>
    private static void CountCodings(string value, ref int chunked, ref bool chunkedOnly)
    {
        foreach (var range in value.AsSpan().Split(','))
        {
            var coding = value.AsSpan(range).Trim(" \t");
            if (coding.IsEmpty)
            {
                continue;
            }
            if (coding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked++;
            }
            else
            {
                chunkedOnly = false;
            }
        }
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
            number = ContentLength(valueBytes);
            if (valueBytes.Contains((byte)','))
            {
                // "2, 2": one value, given to the client once.
                value = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>
    /// A Content-Length value: digits only (1*DIGIT; the parser alone would also take a sign), or a
    /// list of such values that are all the same (RFC 9110, 8.6), which is that one value.
    /// </summary>
    private static long ContentLength(ReadOnlySpan<byte> value)
    {
        long number = -1;
        while (true)
        {
            var comma = value.IndexOf((byte)',');
            var element = (comma < 0 ? value : value[..comma]).Trim(" \t"u8);
            if (element.IsEmpty || element.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
                || !Utf8Parser.TryParse(element, out long parsed, out var consumed) || consumed != element.Length)
            {
                throw new Http1Exception("the backend sent an invalid Content-Length", false);
            }
            if (number >= 0 && parsed != number)
            {
                throw new Http1Exception("the backend sent conflicting Content-Length values", false);
            }
            number = parsed;
            if (comma < 0)
            {
                return number;
            }
            value = value[(comma + 1)..];
        }
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
}
