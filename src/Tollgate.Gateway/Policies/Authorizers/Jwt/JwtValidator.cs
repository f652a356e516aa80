using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>
/// Validates JWS compact tokens for HTTP API JWT authorizers and REST Cognito user pool
/// authorizers, in the order API Gateway documents: read the token (bare or after
/// <c>Bearer </c>), decode it, check the algorithm, find the key by <c>kid</c> in the issuer's
/// JWKS, verify the signature, then the claims (<c>iss</c>, <c>exp</c>, <c>nbf</c>, <c>iat</c>,
/// audience, <c>token_use</c>, scopes). Written on System.Security.Cryptography rather than a
/// token library: the whole check is a base64url decode, one JSON parse and one signature
/// verification, with nothing else allocated on the way.
/// </summary>
internal sealed class JwtValidator(JwksCache keys, TimeProvider time)
{
    /// <summary>
    /// Validates the identity source value (the Authorization header, usually) for a method that
    /// requires <paramref name="requiredScopes"/> (any one of them; empty: none required).
    /// </summary>
    public async ValueTask<JwtValidationResult> ValidateAsync(
        string? identitySource, JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes, CancellationToken cancellationToken = default)
    {
        var token = StripBearer(identitySource);
        if (token.Length == 0)
        {
            return JwtValidationResult.Fail(JwtFailureReason.MissingToken);
        }
        if (!TryDecode(token, out var header, out var root, out var failure))
        {
            return JwtValidationResult.Fail(failure);
        }
        if (!settings.Algorithms.Contains(header.Alg))
        {
            return JwtValidationResult.Fail(JwtFailureReason.AlgorithmNotAllowed);
        }
        var iss = GetString(root, "iss");
        if (iss is null || !Contains(settings.Issuers, iss))
        {
            return JwtValidationResult.Fail(JwtFailureReason.WrongIssuer);
        }
        if (header.Kid is null)
        {
            return JwtValidationResult.Fail(JwtFailureReason.UnknownKey);
        }
        var (status, key) = await keys.GetKeyAsync(iss, settings.JwksUriFor(iss), header.Kid, cancellationToken);
        if (status != JwksLookupStatus.Found)
        {
            return JwtValidationResult.Fail(status == JwksLookupStatus.Unavailable ? JwtFailureReason.JwksUnavailable : JwtFailureReason.UnknownKey);
        }
        if (!VerifySignature(token, header.Alg, key!))
        {
            return JwtValidationResult.Fail(JwtFailureReason.BadSignature);
        }
        var claimsFailure = CheckClaims(root, settings, requiredScopes, out var scopes);
        if (claimsFailure != JwtFailureReason.None)
        {
            return JwtValidationResult.Fail(claimsFailure);
        }
        return JwtValidationResult.Success(root, scopes);
    }

    /// <summary>API Gateway takes the token bare or after <c>Bearer </c> (both authorizer kinds).</summary>
    internal static string StripBearer(string? value)
    {
        var v = (value ?? "").AsSpan().Trim();
        if (v.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }
        if (v.Length > 7 && v[..7].Equals("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            v = v[7..].TrimStart();
        }
        return v.Length == (value?.Length ?? 0) ? value ?? "" : v.ToString();
    }

    private JwtFailureReason CheckClaims(JsonElement root, JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes, out ImmutableArray<string> scopes)
    {
        scopes = default;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (!TryGetNumber(root, "exp", out var exp) || exp + skew <= now)
        {
            return JwtFailureReason.Expired;
        }
        if (root.TryGetProperty("nbf", out _) && (!TryGetNumber(root, "nbf", out var nbf) || nbf - skew > now))
        {
            return JwtFailureReason.NotYetValid;
        }
        if (root.TryGetProperty("iat", out _) && (!TryGetNumber(root, "iat", out var iat) || iat - skew > now))
        {
            return JwtFailureReason.IssuedInFuture;
        }
        if (!settings.Audiences.IsDefaultOrEmpty && !AudienceMatches(root, settings.Audiences))
        {
            return JwtFailureReason.WrongAudience;
        }
        var hasScopes = !requiredScopes.IsDefaultOrEmpty;
        if (settings.Kind == JwtAuthorizerKind.CognitoUserPools && GetString(root, "token_use") != (hasScopes ? "access" : "id"))
        {
            return JwtFailureReason.WrongTokenUse;
        }
        if (hasScopes)
        {
            scopes = ReadScopes(root);
            foreach (var required in requiredScopes)
            {
                if (Contains(scopes, required))
                {
                    return JwtFailureReason.None;
                }
            }
            return JwtFailureReason.MissingScope;
        }
        return JwtFailureReason.None;
    }

    private static bool AudienceMatches(JsonElement root, ImmutableArray<string> audiences)
    {
        if (root.TryGetProperty("aud", out var aud))
        {
            if (aud.ValueKind == JsonValueKind.String)
            {
                return Contains(audiences, aud.GetString()!);
            }
            if (aud.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in aud.EnumerateArray())
                {
                    if (a.ValueKind == JsonValueKind.String && Contains(audiences, a.GetString()!))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        // Access tokens (Cognito's among them) name their client in client_id instead.
        return GetString(root, "client_id") is { } clientId && Contains(audiences, clientId);
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
        if (!root.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
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

    private static bool Contains(ImmutableArray<string> values, string value)
    {
        foreach (var v in values)
        {
            if (v == value)
            {
                return true;
            }
        }
        return false;
    }
}
