namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// <c>X-Amzn-Trace-Id</c> values (X-Ray's format): <c>Root=1-{8 hex: epoch seconds}-{24 hex: 96
/// random bits}</c>, with <c>;Parent=...;Sampled=...</c> when a client sent them. The one place
/// a request's trace id is made (<see cref="RequestContext.TraceId"/>): tracing hooks in here.
/// </summary>
internal static class TraceIds
{
    public const string Header = "X-Amzn-Trace-Id";

    /// <summary>
    /// The request's trace id: the client's <c>X-Amzn-Trace-Id</c> when it has a well-formed
    /// <c>Root</c>, as API Gateway keeps it; otherwise a new one for <paramref name="time"/>.
    /// </summary>
    public static string For(Microsoft.AspNetCore.Http.HttpRequest request, DateTimeOffset time)
    {
        var sent = request.Headers[Header];
        if (sent.Count == 1 && sent[0] is { Length: <= 256 } value && HasRoot(value) && value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0)
        {
            return value;
        }
        return New(time);
    }

    /// <summary>A new root: the time in seconds and 96 random bits, one string allocated.</summary>
    public static string New(DateTimeOffset time)
    {
        var seconds = (uint)time.ToUnixTimeSeconds();
        Span<byte> random = stackalloc byte[12];
        Random.Shared.NextBytes(random);
        var high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(random);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(random[8..]);
        return string.Create(7 + 8 + 1 + 24, (seconds, high, low), static (span, state) =>
        {
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            "Root=1-".AsSpan().CopyTo(span);
            state.seconds.TryFormat(span.Slice(7, 8), out _, "x8", culture);
            span[15] = '-';
            state.high.TryFormat(span.Slice(16, 16), out _, "x16", culture);
            state.low.TryFormat(span.Slice(32, 8), out _, "x8", culture);
        });
    }

    /// <summary>True when <paramref name="value"/> has a <c>Root=1-{8 hex}-{24 hex}</c> field.</summary>
    public static bool HasRoot(string value) => TryReadFields(value, out _, out _, out _);

    /// <summary>
    /// The <c>Root</c>, <c>Parent</c> and <c>Sampled</c> fields of an <c>X-Amzn-Trace-Id</c>
    /// (any order, other fields ignored, a missing one empty); false unless <c>Root</c> is
    /// <c>1-{8 hex}-{24 hex}</c>. The one reader of the header, for its pass-through here and for
    /// continuing its trace (<see cref="Observability.Tracing"/>).
    /// </summary>
    public static bool TryReadFields(string value, out ReadOnlySpan<char> root, out ReadOnlySpan<char> parent, out ReadOnlySpan<char> sampled)
    {
        root = parent = sampled = default;
        var hasRoot = false;
        foreach (var range in value.AsSpan().Split(';'))
        {
            var field = value.AsSpan(range).Trim();
            var equals = field.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var key = field[..equals];
            var text = field[(equals + 1)..];
            if (key.SequenceEqual("Root") && !hasRoot)
            {
                hasRoot = true;
                root = text;
            }
            else if (key.SequenceEqual("Parent"))
            {
                parent = text;
            }
            else if (key.SequenceEqual("Sampled"))
            {
                sampled = text;
            }
        }
        return hasRoot && root.Length == 35 && root[0] == '1' && root[1] == '-' && root[10] == '-'
            && IsHex(root.Slice(2, 8)) && IsHex(root[11..]);
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept("0123456789abcdefABCDEF");
}
