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
/// <para>
/// A token that verified is kept in <paramref name="tokens"/> (by default a cache of this
/// validator's own; the gateway passes one shared by every snapshot): the next request with the
/// same token skips the decode and the signature, and is still checked for algorithm, issuer,
/// key (the JWKS must still serve the very key object that verified it) and every claim.
/// </para>
/// </summary>
internal sealed partial class JwtValidator(JwksCache keys, TimeProvider time, VerifiedTokenCache? tokens = null)
{
    private readonly VerifiedTokenCache _tokens = tokens ?? new VerifiedTokenCache();

    private long _signatureVerifications;

    /// <summary>How many signatures this validator has verified (cache misses that got that far); for tests and metrics.</summary>
    public long SignatureVerifications => Interlocked.Read(ref _signatureVerifications);

    /// <summary>
    /// Validates the identity source value (the Authorization header, usually) for a method that
    /// requires <paramref name="requiredScopes"/> (any one of them; empty: none required).
    /// </summary>
    public ValueTask<JwtValidationResult> ValidateAsync(
        string? identitySource, JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes, CancellationToken cancellationToken = default)
    {
        var value = identitySource ?? "";
        var (start, length) = TokenRange(value);
        if (length == 0)
        {
            return ValueTask.FromResult(JwtValidationResult.Fail(JwtFailureReason.MissingToken));
        }
        var cached = _tokens.Find(value.AsSpan(start, length), time.GetUtcNow().ToUnixTimeSeconds());
        // A cached token whose algorithm or issuer this authorizer does not accept takes the full
        // path, which refuses it for the same reason it would have without the cache.
        if (cached is not null && settings.Algorithms.Contains(cached.Alg) && Contains(settings.Issuers, cached.Issuer))
        {
            var lookup = keys.GetKeyAsync(cached.Issuer, settings.JwksUriFor(cached.Issuer), cached.Kid, cancellationToken);
            if (lookup.IsCompletedSuccessfully)
            {
                var (status, key) = lookup.Result;
                if (status == JwksLookupStatus.Found && ReferenceEquals(key, cached.Key))
                {
                    return ValueTask.FromResult(CheckCachedClaims(cached, settings, requiredScopes));
                }
            }
            else
            {
                return ValidateAfterRefreshAsync(lookup, cached, value, start, length, settings, requiredScopes, cancellationToken);
            }
        }
        return ValidateUncachedAsync(Token(value, start, length), settings, requiredScopes, cancellationToken);
    }

    /// <summary>A cached token whose key lookup went to the JWKS endpoint (keys older than the cache's maximum age).</summary>
    private async ValueTask<JwtValidationResult> ValidateAfterRefreshAsync(
        ValueTask<(JwksLookupStatus Status, JwtSigningKey? Key)> lookup, VerifiedToken cached, string value, int start, int length,
        JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes, CancellationToken cancellationToken)
    {
        var (status, key) = await lookup;
        if (status == JwksLookupStatus.Found && ReferenceEquals(key, cached.Key))
        {
            return CheckCachedClaims(cached, settings, requiredScopes);
        }
        return await ValidateUncachedAsync(Token(value, start, length), settings, requiredScopes, cancellationToken);
    }

    private JwtValidationResult CheckCachedClaims(VerifiedToken cached, JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes)
    {
        var failure = CheckClaims(cached.Result, settings, requiredScopes);
        return failure == JwtFailureReason.None ? cached.Result : JwtValidationResult.Fail(failure);
    }

    private async ValueTask<JwtValidationResult> ValidateUncachedAsync(
        string token, JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes, CancellationToken cancellationToken)
    {
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
        Interlocked.Increment(ref _signatureVerifications);
        if (!VerifySignature(token, header.Alg, key!))
        {
            return JwtValidationResult.Fail(JwtFailureReason.BadSignature);
        }
        var verified = JwtValidationResult.Success(root, default);
        // Cached before the claims are checked: a token this method refuses (another audience,
        // another token_use) may be one that another method accepts. Without exp it is refused
        // below and never cached.
        if (_tokens.Accepts(token) && TryGetNumber(root, "exp", out var exp))
        {
            _tokens.Add(new VerifiedToken(token, header.Alg, iss, header.Kid, key!, exp, verified), time.GetUtcNow().ToUnixTimeSeconds());
        }
        var claimsFailure = CheckClaims(verified, settings, requiredScopes);
        return claimsFailure == JwtFailureReason.None ? verified : JwtValidationResult.Fail(claimsFailure);
    }

    /// <summary>API Gateway takes the token bare or after <c>Bearer </c> (both authorizer kinds).</summary>
    internal static string StripBearer(string? value)
    {
        var v = value ?? "";
        var (start, length) = TokenRange(v);
        return Token(v, start, length);
    }

    private static string Token(string value, int start, int length) =>
        length == value.Length ? value : value.Substring(start, length);

    /// <summary>Where the token is in the header value: trimmed, after an optional <c>Bearer </c> (any case); length 0 when there is none.</summary>
    private static (int Start, int Length) TokenRange(string value)
    {
        int start = 0, end = value.Length;
        while (start < end && char.IsWhiteSpace(value[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(value[end - 1]))
        {
            end--;
        }
        var v = value.AsSpan(start, end - start);
        if (v.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return (0, 0);
        }
        if (v.Length > 7 && v[..7].Equals("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            start += 7;
            while (start < end && char.IsWhiteSpace(value[start]))
            {
                start++;
            }
        }
        return (start, end - start);
    }

    /// <summary>
    /// The claim checks, run on every request whether the token was just verified or came from
    /// the cache. The payload is only read (JsonDocument is safe for concurrent reads since .NET 8).
    /// </summary>
    private JwtFailureReason CheckClaims(JwtValidationResult verified, JwtAuthorizerSettings settings, ImmutableArray<string> requiredScopes)
    {
        var root = verified.Payload;
        // exp, nbf, iat and token_use are read from the payload once per token (the result is
        // shared by every request that presents it) and compared on every request.
        var claims = verified.CheckedClaims;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (claims.Exp is not { } exp || exp + skew <= now)
        {
            return JwtFailureReason.Expired;
        }
        if (claims.HasNbf && (claims.Nbf is not { } nbf || nbf - skew > now))
        {
            return JwtFailureReason.NotYetValid;
        }
        if (claims.HasIat && (claims.Iat is not { } iat || iat - skew > now))
        {
            return JwtFailureReason.IssuedInFuture;
        }
        if (!settings.Audiences.IsDefaultOrEmpty && !AudienceMatches(root, settings.Audiences))
        {
            return JwtFailureReason.WrongAudience;
        }
        var hasScopes = !requiredScopes.IsDefaultOrEmpty;
        if (settings.Kind == JwtAuthorizerKind.CognitoUserPools && claims.TokenUse != (hasScopes ? "access" : "id"))
        {
            return JwtFailureReason.WrongTokenUse;
        }
        if (hasScopes)
        {
            // Read once per token and kept by the (possibly cached) result.
            var scopes = verified.Scopes;
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
        if (root.TryGetProperty("aud"u8, out var aud))
        {
            if (aud.ValueKind == JsonValueKind.String)
            {
                return IsOneOf(aud, audiences);
            }
            if (aud.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in aud.EnumerateArray())
                {
                    if (IsOneOf(a, audiences))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        // Access tokens (Cognito's among them) name their client in client_id instead.
        return root.TryGetProperty("client_id"u8, out var clientId) && IsOneOf(clientId, audiences);
    }

    /// <summary>A JSON string equal to one of <paramref name="values"/>; compared in place, without making a string of it.</summary>
    private static bool IsOneOf(JsonElement element, ImmutableArray<string> values)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        foreach (var v in values)
        {
            if (element.ValueEquals(v))
            {
                return true;
            }
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
