using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>The token's text: decoded, its signature verified, its claims read.</summary>
internal sealed partial class JwtValidator
{
    /// <summary>The claims checked on every request, read from the payload (a claim that is there but not a number has no value).</summary>
    internal static CheckedClaims ReadCheckedClaims(JsonElement root)
    {
        long? Number(ReadOnlySpan<byte> name, out bool present)
        {
            present = root.TryGetProperty(name, out var e);
            return present && TryGetNumber(e, out var value) ? value : null;
        }
        var exp = Number("exp"u8, out _);
        var nbf = Number("nbf"u8, out var hasNbf);
        var iat = Number("iat"u8, out var hasIat);
        var tokenUse = root.TryGetProperty("token_use"u8, out var use) && use.ValueKind == JsonValueKind.String ? use.GetString() : null;
        return new CheckedClaims(exp, hasNbf, nbf, hasIat, iat, tokenUse);
    }

    internal static ImmutableArray<string> ReadScopes(JsonElement root)
    {
        if (root.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String)
        {
            return [.. scope.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }
        if (root.TryGetProperty("scp", out var scp))
        {
            if (scp.ValueKind == JsonValueKind.Array)
            {
                var b = ImmutableArray.CreateBuilder<string>();
                foreach (var s in scp.EnumerateArray())
                {
                    if (s.ValueKind == JsonValueKind.String)
                    {
                        b.Add(s.GetString()!);
                    }
                }
                return b.ToImmutable();
            }
            if (scp.ValueKind == JsonValueKind.String)
            {
                return [.. scp.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }
        }
        return [];
    }

    private static bool VerifySignature(string token, string alg, JwtSigningKey key)
    {
        var lastDot = token.LastIndexOf('.');
        var signatureChars = token.AsSpan(lastDot + 1);
        Span<byte> signature = stackalloc byte[1024];
        if (Base64Url.DecodeFromChars(signatureChars, signature, out _, out var sigLength) != OperationStatus.Done)
        {
            return false;
        }
        var input = ArrayPool<byte>.Shared.Rent(lastDot);
        try
        {
            var n = Encoding.ASCII.GetBytes(token.AsSpan(0, lastDot), input);
            return key.Verify(alg, input.AsSpan(0, n), signature[..sigLength]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private readonly record struct JoseHeader(string Alg, string? Kid);

    private static bool TryDecode(string token, out JoseHeader header, out JsonElement payload, out JwtFailureReason failure)
    {
        header = default;
        payload = default;
        failure = JwtFailureReason.Malformed;
        var first = token.IndexOf('.');
        var last = token.LastIndexOf('.');
        // An empty signature is let through here so that alg "none" is refused as an algorithm, not as malformed.
        if (first <= 0 || last == first || token.AsSpan(first + 1, last - first - 1).Contains('.') || last - first < 2)
        {
            return false;
        }
        if (!TryReadHeader(token.AsSpan(0, first), out header))
        {
            return false;
        }
        var payloadChars = token.AsSpan(first + 1, last - first - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payloadChars.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payloadChars, buffer, out _, out var n) != OperationStatus.Done)
            {
                return false;
            }
            // ParseValue gives an element that owns its (unpooled) memory: it can outlive this call without a clone.
            var reader = new Utf8JsonReader(buffer.AsSpan(0, n));
            payload = JsonElement.ParseValue(ref reader);
            if (payload.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            failure = JwtFailureReason.None;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryReadHeader(ReadOnlySpan<char> chars, out JoseHeader header)
    {
        header = default;
        Span<byte> bytes = stackalloc byte[512];
        if (chars.Length > 680 || Base64Url.DecodeFromChars(chars, bytes, out _, out var n) != OperationStatus.Done)
        {
            return false;
        }
        string? alg = null, kid = null;
        try
        {
            var reader = new Utf8JsonReader(bytes[..n]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAlg = reader.ValueTextEquals("alg"u8);
                var isKid = !isAlg && reader.ValueTextEquals("kid"u8);
                var isCrit = !isAlg && !isKid && reader.ValueTextEquals("crit"u8);
                reader.Read();
                if (isCrit)
                {
                    // No extensions are understood, so a token that makes any critical is refused (RFC 7515, 4.1.11).
                    return false;
                }
                if (isAlg && reader.TokenType == JsonTokenType.String)
                {
                    alg = reader.GetString();
                }
                else if (isKid && reader.TokenType == JsonTokenType.String)
                {
                    kid = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        if (alg is null)
        {
            return false;
        }
        header = new JoseHeader(alg, kid);
        return true;
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool TryGetNumber(JsonElement root, string name, out long value)
    {
        value = 0;
        return root.TryGetProperty(name, out var v) && TryGetNumber(v, out value);
    }

    private static bool TryGetNumber(JsonElement v, out long value)
    {
        value = 0;
        if (v.ValueKind != JsonValueKind.Number)
        {
            return false;
        }
        if (v.TryGetInt64(out value))
        {
            return true;
        }
        if (v.TryGetDouble(out var d) && d is > long.MinValue and < long.MaxValue)
        {
            value = (long)d;
            return true;
        }
        return false;
    }
}
