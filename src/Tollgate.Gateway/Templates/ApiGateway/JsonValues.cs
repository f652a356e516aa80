using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates.ApiGateway;

/// <summary>Parses JSON and writes compact JSON text (<c>$input.json</c>) straight from the parsed document.</summary>
internal static class JsonValues
{
    /// <summary>How deep a document may nest (Jayway and API Gateway accept deeper input, but nothing needs it).</summary>
    public const int MaxDepth = 256;

    /// <summary>What <see cref="JsonDocument"/>'s index holds per token (its <c>DbRow</c>).</summary>
    public const int IndexBytesPerToken = 12;

    /// <summary>
    /// The size of the index <see cref="JsonDocument"/> would build for <paramref name="utf8"/>,
    /// found by reading it once without allocating; -1 when it is not one JSON value. The index
    /// is up to six times the text (<c>[1,1,1,...]</c>), so it is known before it is built.
    /// </summary>
    public static long IndexSize(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var tokens = 0L;
        try
        {
            while (reader.Read())
            {
                tokens++;
            }
        }
        catch (JsonException)
        {
            return -1;
        }
        return tokens * IndexBytesPerToken;
    }

    /// <summary>
    /// Parses UTF-8 JSON, known to be valid, without copying it: the document refers to
    /// <paramref name="utf8"/>, which must stay unchanged until the document is disposed.
    /// </summary>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8) =>
        JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });

    /// <summary>Parses JSON text into a value that owns its memory (no dispose); false when it is not JSON.</summary>
    public static bool TryParse(string text, out JsonElement element) => TryParse(Encoding.UTF8.GetBytes(text), out element);

    /// <summary>
    /// Parses UTF-8 JSON into a value that owns a copy of it and its index (no dispose, nothing
    /// kept in a pool: a large text is the garbage collector's once the value is); false when it
    /// is not one JSON value.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out JsonElement element)
    {
        if (!Utf8.IsValid(utf8))
        {
            // Invalid sequences read as U+FFFD, as in the text (the parser would refuse them only when read).
            return TryParse(Encoding.UTF8.GetString(utf8), out element);
        }
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (JsonElement.TryParseValue(ref reader, out var parsed) && parsed is { } value && !reader.Read())
            {
                element = value;
                return true;
            }
        }
        catch (JsonException)
        {
        }
        element = default;
        return false;
    }

    /// <summary>
    /// Compact JSON of <paramref name="element"/>, measured first and charged to
    /// <paramref name="budget"/> before the string is made, then written into it directly: one
    /// allocation of the exact size, and none when the budget refuses it. Numbers keep their
    /// source text; strings are escaped as <see cref="ValueFormatter.WriteJsonString"/> does.
    /// </summary>
    public static string ToCompactString(JsonElement element, RenderBudget budget) => ToCompactString(element, null, budget);

    /// <summary>Compact JSON of <paramref name="element"/> outside a render (a response header mapping): no budget, no cap but the string's.</summary>
    public static string ToCompactString(JsonElement element) => ToCompactString(element, null, null);

    /// <summary>The JSON array of <paramref name="matches"/>, made as <see cref="ToCompactString(JsonElement, RenderBudget)"/> makes one value.</summary>
    public static string ToCompactString(List<JsonElement> matches, RenderBudget budget) => ToCompactString(default, matches, budget);

    private static string ToCompactString(JsonElement single, List<JsonElement>? matches, RenderBudget? budget)
    {
        var measure = new CompactWriter(default, measuring: true, budget is null ? Array.MaxLength : TemplateRenderer.MaxStringLength);
        Write(ref measure, single, matches);
        budget?.ChargeText(measure.Length);
        return string.Create((int)measure.Length, (single, matches), static (span, state) =>
        {
            var writer = new CompactWriter(span, measuring: false, span.Length);
            Write(ref writer, state.single, state.matches);
        });
    }

    private static void Write(ref CompactWriter writer, JsonElement single, List<JsonElement>? matches)
    {
        if (matches is null)
        {
            WriteValue(ref writer, single);
            return;
        }
        writer.Append('[');
        for (var i = 0; i < matches.Count; i++)
        {
            if (i > 0)
            {
                writer.Append(',');
            }
            WriteValue(ref writer, matches[i]);
        }
        writer.Append(']');
    }

    private static void WriteValue(ref CompactWriter writer, JsonElement element)
    {
        writer.CheckLength();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!first)
                    {
                        writer.Append(',');
                    }
                    first = false;
                    if (!writer.AppendRawString(JsonMarshal.GetRawUtf8PropertyName(property)))
                    {
                        writer.AppendQuoted(property.Name);
                    }
                    writer.Append(':');
                    WriteValue(ref writer, property.Value);
                }
                writer.Append('}');
                break;
            case JsonValueKind.Array:
                writer.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        writer.Append(',');
                    }
                    firstItem = false;
                    WriteValue(ref writer, item);
                }
                writer.Append(']');
                break;
            case JsonValueKind.String:
                if (!writer.AppendRawString(JsonMarshal.GetRawUtf8Value(element)))
                {
                    writer.AppendQuoted(element.GetString()!);
                }
                break;
            case JsonValueKind.Number:
                writer.AppendUtf8(JsonMarshal.GetRawUtf8Value(element));
                break;
            case JsonValueKind.True:
                writer.Append("true");
                break;
            case JsonValueKind.False:
                writer.Append("false");
                break;
            default:
                writer.Append("null");
                break;
        }
    }

    /// <summary>Counts the characters of compact JSON, or writes them into a string made to that size.</summary>
    private ref struct CompactWriter(Span<char> destination, bool measuring, long maxLength)
    {
        private readonly Span<char> _destination = destination;

        public long Length { get; private set; }

        /// <summary>A result longer than a template string may be is refused while it is measured.</summary>
        public readonly void CheckLength()
        {
            if (measuring && Length > maxLength)
            {
                throw new TemplateRuntimeException($"A JSONPath result is longer than {maxLength} characters.");
            }
        }

        public void Append(char c)
        {
            if (!measuring)
            {
                _destination[(int)Length] = c;
            }
            Length++;
        }

        public void Append(scoped ReadOnlySpan<char> text)
        {
            if (!measuring)
            {
                text.CopyTo(_destination[(int)Length..]);
            }
            Length += text.Length;
        }

        public void AppendUtf8(scoped ReadOnlySpan<byte> utf8)
        {
            Length += measuring ? Encoding.UTF8.GetCharCount(utf8) : Encoding.UTF8.GetChars(utf8, _destination[(int)Length..]);
        }

        /// <summary>
        /// A string as it stands in the source, when it has no escapes: then its UTF-8 is the text
        /// and needs none (the parser refused raw quotes and control characters). False, writing
        /// nothing, when it has escapes.
        /// </summary>
        public bool AppendRawString(scoped ReadOnlySpan<byte> raw)
        {
            if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"')
            {
                raw = raw[1..^1];
            }
            if (raw.IndexOf((byte)'\\') >= 0)
            {
                return false;
            }
            Append('"');
            AppendUtf8(raw);
            Append('"');
            return true;
        }

        /// <summary>A decoded string, quoted and escaped the way the gateway writes JSON.</summary>
        public void AppendQuoted(string text)
        {
            Span<char> unicode = stackalloc char[6];
            Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': Append("\\\""); break;
                    case '\\': Append("\\\\"); break;
                    case '\n': Append("\\n"); break;
                    case '\r': Append("\\r"); break;
                    case '\t': Append("\\t"); break;
                    case '\b': Append("\\b"); break;
                    case '\f': Append("\\f"); break;
                    case < ' ':
                        "\\u".CopyTo(unicode);
                        ((int)c).TryFormat(unicode[2..], out _, "X4", CultureInfo.InvariantCulture);
                        Append(unicode);
                        break;
                    default: Append(c); break;
                }
            }
            Append('"');
        }
    }
}
