using System.Buffers;
using System.Text;

namespace Tollgate.Gateway.Paths;

/// <summary>
/// Percent-encoding (RFC 3986 section 2.1) as the gateway reads and writes request targets: what a
/// <c>%XX</c> triplet is, which characters may stand in a target as they are, and whether the
/// bytes a path decodes to are UTF-8 at all.
/// </summary>
internal static class PercentEncoding
{
    /// <summary>
    /// Characters a request target may carry unencoded (RFC 3986 <c>pchar</c>, <c>/</c> and
    /// <c>?</c>): unreserved, sub-delims, <c>:</c> and <c>@</c>. <c>%</c> is not here: it is kept only
    /// where a well-formed triplet starts.
    /// </summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?");

    /// <summary>The value of a hex digit, or -1.</summary>
    public static int Hex(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>The byte of the triplet at <paramref name="i"/> (<c>%</c> and two hex digits), or -1 when there is none.</summary>
    public static int ByteAt(ReadOnlySpan<char> text, int i)
    {
        if (i + 2 >= text.Length || text[i] != '%')
        {
            return -1;
        }
        var high = Hex(text[i + 1]);
        var low = Hex(text[i + 2]);
        return high < 0 || low < 0 ? -1 : (high << 4) | low;
    }

    /// <summary>True when the text is already a valid request target: only plain characters and well-formed triplets.</summary>
    public static bool IsCanonicalTarget(ReadOnlySpan<char> text)
    {
        var i = text.IndexOfAnyExcept(Plain);
        while (i >= 0)
        {
            if (ByteAt(text, i) < 0)
            {
                return false;
            }
            var rest = text[(i + 3)..];
            var next = rest.IndexOfAnyExcept(Plain);
            i = next < 0 ? -1 : i + 3 + next;
        }
        return true;
    }

    /// <summary>
    /// Appends the text as a request target: plain characters and well-formed triplets as they
    /// are, every other character (a space, <c>\</c>, <c>#</c>, a control character, a lone
    /// <c>%</c>, anything beyond ASCII) percent-encoded as UTF-8. Nothing is decoded, so what the
    /// client encoded stays encoded.
    /// </summary>
    public static void AppendTarget(StringBuilder sb, ReadOnlySpan<char> text)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (Plain.Contains(c) || (c == '%' && ByteAt(text, i) >= 0))
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }
            var length = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < length; b++)
            {
                sb.Append('%').Append("0123456789ABCDEF"[utf8[b] >> 4]).Append("0123456789ABCDEF"[utf8[b] & 0xF]);
            }
            i += consumed;
        }
    }

    /// <summary>
    /// True when every triplet is well formed and the bytes the text decodes to (triplets decoded
    /// once, other characters as themselves) are valid UTF-8: no overlong forms such as
    /// <c>%c0%ae</c> for <c>.</c>, no surrogates, no stray continuation bytes.
    /// </summary>
    public static bool DecodesToUtf8(ReadOnlySpan<char> text)
    {
        if (!text.Contains('%'))
        {
            return true;
        }
        byte[]? rented = null;
        var bytes = text.Length <= 512 ? stackalloc byte[text.Length * 3] : (rented = ArrayPool<byte>.Shared.Rent(text.Length * 3));
        try
        {
            var n = 0;
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '%')
                {
                    var b = ByteAt(text, i);
                    if (b < 0)
                    {
                        return false;
                    }
                    bytes[n++] = (byte)b;
                    i += 3;
                }
                else if (c < 0x80)
                {
                    bytes[n++] = (byte)c;
                    i++;
                }
                else
                {
                    if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
                    {
                        return false;
                    }
                    n += rune.EncodeToUtf8(bytes[n..]);
                    i += consumed;
                }
            }
            return System.Text.Unicode.Utf8.IsValid(bytes[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
