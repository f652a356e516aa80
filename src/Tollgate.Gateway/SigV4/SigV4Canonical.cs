using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Tollgate.Gateway.SigV4;

/// <summary>
/// The canonical request of Signature Version 4, built as AWS builds it for every service but
/// S3: the path normalised (RFC 3986 dot segments removed, empty segments dropped) and encoded
/// once more than it arrived ("double encoding"), the query decoded and re-encoded with RFC 3986
/// unreserved characters and sorted by key then value, header values trimmed with inner
/// whitespace collapsed and repeated headers joined by commas.
/// </summary>
internal static class SigV4Canonical
{
    /// <summary>Appends the whole canonical request, without a trailing newline.</summary>
    public static void AppendCanonicalRequest(
        ref CharBuilder b,
        SigV4Request request,
        ReadOnlySpan<char> signedHeaders,
        bool excludeSignatureParameter,
        ReadOnlySpan<char> payloadHash)
    {
        b.Append(request.Method);
        b.Append('\n');
        AppendCanonicalUri(ref b, request.RawPath);
        b.Append('\n');
        AppendCanonicalQuery(ref b, request.RawQuery, excludeSignatureParameter);
        b.Append('\n');
        AppendCanonicalHeaders(ref b, request.Headers, signedHeaders);
        b.Append('\n');
        b.Append(signedHeaders);
        b.Append('\n');
        b.Append(payloadHash);
    }

    public static void AppendCanonicalUri(ref CharBuilder b, string rawPath)
    {
        var path = NeedsNormalizing(rawPath) ? Normalize(rawPath) : rawPath;
        if (path.Length == 0)
        {
            b.Append('/');
            return;
        }
        AppendEncoded(ref b, path, keepSlash: true);
    }

    public static void AppendCanonicalQuery(ref CharBuilder b, string rawQuery, bool excludeSignatureParameter)
    {
        if (rawQuery.Length == 0)
        {
            return;
        }
        var count = 1;
        foreach (var c in rawQuery)
        {
            if (c == '&')
            {
                count++;
            }
        }
        var pairs = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(count);
        try
        {
            var n = 0;
            var rest = rawQuery.AsSpan();
            while (true)
            {
                var amp = rest.IndexOf('&');
                var part = amp < 0 ? rest : rest[..amp];
                if (part.Length > 0)
                {
                    var eq = part.IndexOf('=');
                    var key = EncodeComponent(eq < 0 ? part : part[..eq]);
                    var value = eq < 0 ? "" : EncodeComponent(part[(eq + 1)..]);
                    if (!(excludeSignatureParameter && key == "X-Amz-Signature"))
                    {
                        pairs[n++] = new KeyValuePair<string, string>(key, value);
                    }
                }
                if (amp < 0)
                {
                    break;
                }
                rest = rest[(amp + 1)..];
            }
            var span = pairs.AsSpan(0, n);
            span.Sort(static (x, y) =>
            {
                var c = string.CompareOrdinal(x.Key, y.Key);
                return c != 0 ? c : string.CompareOrdinal(x.Value, y.Value);
            });
            for (var i = 0; i < span.Length; i++)
            {
                if (i > 0)
                {
                    b.Append('&');
                }
                b.Append(span[i].Key);
                b.Append('=');
                b.Append(span[i].Value);
            }
        }
        finally
        {
            ArrayPool<KeyValuePair<string, string>>.Shared.Return(pairs, clearArray: true);
        }
    }

    /// <summary>Appends <c>name:value\n</c> for each name of the (already lower-case, sorted) signed header list.</summary>
    public static void AppendCanonicalHeaders(ref CharBuilder b, IHeaderDictionary headers, ReadOnlySpan<char> signedHeaders)
    {
        foreach (var range in signedHeaders.Split(';'))
        {
            var name = signedHeaders[range];
            b.Append(name);
            b.Append(':');
            if (TryGetHeader(headers, name, out var values))
            {
                var first = true;
                foreach (var value in values)
                {
                    if (!first)
                    {
                        b.Append(',');
                    }
                    first = false;
                    AppendTrimmedCollapsed(ref b, value);
                }
            }
            b.Append('\n');
        }
    }

    /// <summary>Decodes a raw query component (percent escapes, raw UTF-8) and encodes it as SigV4 wants.</summary>
    public static string EncodeComponent(ReadOnlySpan<char> raw)
    {
        var plain = true;
        foreach (var c in raw)
        {
            if (!IsUnreserved(c))
            {
                plain = false;
                break;
            }
        }
        if (plain)
        {
            return raw.ToString();
        }
        var b = new CharBuilder(raw.Length * 3 + 8);
        try
        {
            Span<byte> utf8 = stackalloc byte[4];
            for (var i = 0; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
                {
                    var value = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                    AppendByte(ref b, value);
                    i += 2;
                }
                else if (c < 0x80)
                {
                    AppendByte(ref b, (byte)c);
                }
                else
                {
                    i += AppendNonAscii(ref b, raw, i, utf8) - 1;
                }
            }
            return b.ToString();
        }
        finally
        {
            b.Dispose();
        }
    }

    /// <summary>Encodes text (a path or a decoded value) as SigV4's UriEncode, keeping '/' when asked.</summary>
    public static void AppendEncoded(ref CharBuilder b, scoped ReadOnlySpan<char> text, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnreserved(c) || (keepSlash && c == '/'))
            {
                b.Append(c);
            }
            else if (c < 0x80)
            {
                b.AppendPercentEncoded((byte)c);
            }
            else
            {
                i += AppendNonAscii(ref b, text, i, utf8) - 1;
            }
        }
    }

    public static bool IsUnreserved(char c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '-' || c == '_' || c == '.' || c == '~';

    private static void AppendByte(ref CharBuilder b, byte value)
    {
        if (value < 0x80 && IsUnreserved((char)value))
        {
            b.Append((char)value);
        }
        else
        {
            b.AppendPercentEncoded(value);
        }
    }

    /// <summary>Percent-encodes the UTF-8 of the character (or surrogate pair) at <paramref name="i"/>; returns chars consumed.</summary>
    private static int AppendNonAscii(ref CharBuilder b, scoped ReadOnlySpan<char> text, int i, scoped Span<byte> utf8)
    {
        if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
        {
            rune = Rune.ReplacementChar;
            consumed = 1;
        }
        var written = rune.EncodeToUtf8(utf8);
        for (var k = 0; k < written; k++)
        {
            b.AppendPercentEncoded(utf8[k]);
        }
        return consumed;
    }

    private static bool NeedsNormalizing(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return true;
        }
        return path.Contains("//", StringComparison.Ordinal)
            || path.Contains("/./", StringComparison.Ordinal)
            || path.Contains("/../", StringComparison.Ordinal)
            || path.EndsWith("/.", StringComparison.Ordinal)
            || path.EndsWith("/..", StringComparison.Ordinal);
    }

    /// <summary>RFC 3986 remove_dot_segments, also dropping empty segments as AWS signers do.</summary>
    internal static string Normalize(string path)
    {
        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
                continue;
            }
            output.Add(segment);
        }
        if (output.Count == 0)
        {
            return "/";
        }
        // As botocore does: a trailing slash survives only when the path itself ends with one.
        return "/" + string.Join('/', output) + (path.EndsWith('/') ? "/" : "");
    }

    private static void AppendTrimmedCollapsed(ref CharBuilder b, string? value)
    {
        if (value is null)
        {
            return;
        }
        var pendingSpace = false;
        var any = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = any;
                continue;
            }
            if (pendingSpace)
            {
                b.Append(' ');
                pendingSpace = false;
            }
            b.Append(c);
            any = true;
        }
    }

    private static bool TryGetHeader(IHeaderDictionary headers, ReadOnlySpan<char> lowerName, out StringValues values)
    {
        // The signed-header list is short and names are ASCII; Kestrel's dictionary wants a string.
        return headers.TryGetValue(lowerName.ToString(), out values) && values.Count > 0;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
