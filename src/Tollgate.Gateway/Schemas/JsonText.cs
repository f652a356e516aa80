using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// Reads strings and property names of a <see cref="JsonElement"/> without allocating when
/// the raw UTF-8 text has no escape sequences (the common case).
/// </summary>
internal static class JsonText
{
    /// <summary>Longest text decoded on the stack; longer text goes through the array pool.</summary>
    public const int StackLimit = 256;

    /// <summary>The raw UTF-8 of a string value, without quotes; false if it holds escapes.</summary>
    public static bool TryGetUnescapedUtf8(JsonElement value, out ReadOnlySpan<byte> utf8)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        utf8 = raw.Slice(1, raw.Length - 2);
        return utf8.IndexOf((byte)'\\') < 0;
    }

    /// <summary>The raw UTF-8 of a property name; false if it holds escapes.</summary>
    public static bool TryGetUnescapedName(JsonProperty property, out ReadOnlySpan<byte> utf8)
    {
        utf8 = JsonMarshal.GetRawUtf8PropertyName(property);
        return utf8.IndexOf((byte)'\\') < 0;
    }

    /// <summary>Number of Unicode code points of a string value (JSON Schema string length).</summary>
    public static int CodePointLength(JsonElement value)
    {
        if (TryGetUnescapedUtf8(value, out var utf8))
        {
            // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
            var count = 0;
            foreach (var b in utf8)
            {
                if ((b & 0xC0) != 0x80)
                {
                    count++;
                }
            }
            return count;
        }
        return CodePointLength(value.GetString().AsSpan());
    }

    /// <summary>Number of Unicode code points in UTF-16 text: a surrogate pair counts once.</summary>
    public static int CodePointLength(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                count--;
                i++;
            }
        }
        return count;
    }

    /// <summary>
    /// Decodes UTF-8 into <paramref name="buffer"/> if it fits, else into a rented array that
    /// the caller returns with <see cref="Return"/>.
    /// </summary>
    public static ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8, Span<char> buffer, out char[]? rented)
    {
        rented = null;
        if (utf8.Length > buffer.Length)
        {
            rented = ArrayPool<char>.Shared.Rent(utf8.Length);
            buffer = rented;
        }
        var written = Encoding.UTF8.GetChars(utf8, buffer);
        return buffer[..written];
    }

    /// <summary>Returns an array rented by <see cref="Decode"/>.</summary>
    public static void Return(char[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static readonly JsonWriterOptions MessageWriterOptions = new()
    {
        // Messages are not HTML: keep quotes as \" and non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Compact JSON text of a value, as used in error messages.</summary>
    public static string ToJson(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, MessageWriterOptions))
        {
            value.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A string as a JSON string literal, e.g. <c>"a\"b"</c>.</summary>
    public static string Quote(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, MessageWriterOptions))
        {
            writer.WriteStringValue(text);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
