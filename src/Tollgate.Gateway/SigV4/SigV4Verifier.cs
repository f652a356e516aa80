using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.SigV4;

/// <summary>Who signed a request: the key that verified it, and the region it was scoped to.</summary>
internal sealed record SigV4Caller(string AccessKeyId, string Region, SigV4Key Key);

/// <summary>Either a verified caller or the reason there is none.</summary>
internal readonly record struct SigV4Result(SigV4Caller? Identity, AuthFailure? Failure)
{
    public bool Succeeded => Identity is not null;
}

/// <summary>Verifier settings.</summary>
internal sealed record SigV4VerifierOptions
{
    /// <summary>The service name signatures must be scoped to. API Gateway: <c>execute-api</c>.</summary>
    public string Service { get; init; } = "execute-api";

    /// <summary>The region signatures must be scoped to; null accepts any.</summary>
    public string? Region { get; init; }

    /// <summary>How far a signature's time may be from ours: 5 minutes, as in AWS.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Verifies AWS Signature Version 4 (header and presigned-URL forms) against the configured
/// access keys. Everything but body hashing is synchronous and allocation-light: the signing key
/// is cached per access key, the canonical request is built in a pooled buffer, and the
/// signature is compared in constant time.
/// </summary>
internal sealed class SigV4Verifier(ISigV4Keys credentials, TimeProvider time, SigV4VerifierOptions options)
{
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    public ValueTask<SigV4Result> VerifyAsync(SigV4Request request, CancellationToken cancellationToken = default)
    {
        if (!SigV4AuthParser.TryParse(request, out var p, out var failure))
        {
            return Fail(failure!);
        }
        var parameters = p!;
        failure = CheckScope(parameters) ?? CheckTime(parameters);
        if (failure is not null)
        {
            return Fail(failure);
        }
        if (!credentials.TryGetKey(parameters.AccessKeyId, out var credential))
        {
            return Fail(SigV4Errors.UnrecognizedClient("sigv4.unknown_access_key"));
        }
        failure = CheckSessionToken(parameters, credential);
        if (failure is not null)
        {
            return Fail(failure);
        }

        string? declaredHash = null;
        if (request.Headers.TryGetValue("X-Amz-Content-SHA256", out var declared) && declared.Count > 0)
        {
            declaredHash = declared[0] ?? "";
            if (declaredHash != UnsignedPayload && !IsHexSha256(declaredHash))
            {
                return Fail(SigV4Errors.Invalid(
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.", "sigv4.bad_content_sha256"));
            }
        }
        if (declaredHash is not null && (declaredHash == UnsignedPayload || request.Body is null))
        {
            return ValueTask.FromResult(Check(request, parameters, credential, declaredHash, actualBodyHash: null));
        }
        if (request.Body is null)
        {
            return ValueTask.FromResult(Check(request, parameters, credential, BufferedBody.EmptySha256Hex, null));
        }
        return HashThenCheckAsync(request, parameters, credential, declaredHash, cancellationToken);
    }

    private async ValueTask<SigV4Result> HashThenCheckAsync(
        SigV4Request request, SigV4Parameters parameters, SigV4Key credential, string? declaredHash, CancellationToken cancellationToken)
    {
        var bodyHash = await request.Body!.GetSha256HexAsync(cancellationToken);
        return Check(request, parameters, credential, declaredHash ?? bodyHash, bodyHash);
    }

    private SigV4Result Check(SigV4Request request, SigV4Parameters parameters, SigV4Key credential, string payloadHash, string? actualBodyHash)
    {
        var canonical = new CharBuilder(512);
        byte[]? rented = null;
        try
        {
            SigV4Canonical.AppendCanonicalRequest(ref canonical, request, parameters.SignedHeaders, parameters.Presigned, payloadHash);
            var canonicalLength = canonical.Length;

            // The string to sign follows the canonical request in the same buffer.
            Span<byte> hash = stackalloc byte[32];
            var utf8Length = Encoding.UTF8.GetMaxByteCount(canonicalLength);
            rented = ArrayPool<byte>.Shared.Rent(Math.Max(utf8Length, 256));
            var written = Encoding.UTF8.GetBytes(canonical.AsSpan(), rented);
            SHA256.HashData(rented.AsSpan(0, written), hash);

            canonical.Append(SigV4Parameters.Algorithm);
            canonical.Append('\n');
            canonical.Append(parameters.Timestamp);
            canonical.Append('\n');
            canonical.Append(parameters.Scope);
            canonical.Append('\n');
            Span<char> hex = stackalloc char[64];
            Convert.TryToHexStringLower(hash, hex, out _);
            canonical.Append(hex);
            var stringToSign = canonical.AsSpan(canonicalLength, canonical.Length - canonicalLength);

            var stsBytes = Encoding.UTF8.GetByteCount(stringToSign) <= rented.Length
                ? rented.AsSpan(0, Encoding.UTF8.GetBytes(stringToSign, rented))
                : Encoding.UTF8.GetBytes(stringToSign.ToString());
            var key = credential.GetSigningKey(parameters.ScopeDate, parameters.Region, parameters.Service);
            Span<byte> expected = stackalloc byte[32];
            HMACSHA256.HashData(key, stsBytes, expected);

            if (!SignatureEquals(parameters.Signature, expected))
            {
                return new SigV4Result(null, SigV4Errors.Invalid(
                    SigV4Errors.SignatureMismatch(canonical.AsSpan(0, canonicalLength), stringToSign),
                    "sigv4.signature_mismatch"));
            }
        }
        finally
        {
            canonical.Dispose();
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (actualBodyHash is not null && payloadHash != actualBodyHash)
        {
            // The signature covers a declared hash that the body does not have: the body was changed.
            return new SigV4Result(null, SigV4Errors.Invalid(
                "The provided 'x-amz-content-sha256' header does not match what was computed.", "sigv4.body_hash_mismatch"));
        }
        return new SigV4Result(new SigV4Caller(credential.AccessKeyId, parameters.Region, credential), null);
    }

    private AuthFailure? CheckScope(SigV4Parameters p)
    {
        if (p.ScopeDate != p.Timestamp[..8])
        {
            return SigV4Errors.Invalid(SigV4Errors.DateScopeMismatch(p.ScopeDate, p.Timestamp), "sigv4.scope_date");
        }
        if (options.Region is not null && p.Region != options.Region)
        {
            return SigV4Errors.Invalid(SigV4Errors.WrongRegion(p.Region), "sigv4.scope_region");
        }
        if (p.Service != options.Service)
        {
            return SigV4Errors.Invalid(SigV4Errors.WrongService(options.Service), "sigv4.scope_service");
        }
        if (p.Terminator != "aws4_request")
        {
            return SigV4Errors.Invalid(SigV4Errors.WrongTerminator(p.Terminator), "sigv4.scope_terminator");
        }
        if (!ContainsHost(p.SignedHeaders))
        {
            // The text STS and other Coral services use; not confirmed for API Gateway.
            return SigV4Errors.Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", "sigv4.host_unsigned");
        }
        return null;
    }

    private AuthFailure? CheckTime(SigV4Parameters p)
    {
        var now = time.GetUtcNow();
        var skew = options.MaxClockSkew;
        if (p.Time > now + skew)
        {
            // Not expiry: the signature claims a future time. INVALID_SIGNATURE, as AWS reports it as InvalidSignatureException.
            return SigV4Errors.Invalid(SigV4Errors.NotYetCurrent(p.Timestamp, now + skew, now), "sigv4.not_yet_current");
        }
        if (p.Presigned && p.ExpiresSeconds is { } expires)
        {
            var window = TimeSpan.FromSeconds(expires);
            return p.Time < now - window
                ? SigV4Errors.Expired(SigV4Errors.Expired(p.Timestamp, now - window, now, FormatWindow(expires)))
                : null;
        }
        return p.Time < now - skew
            ? SigV4Errors.Expired(SigV4Errors.Expired(p.Timestamp, now - skew, now, FormatWindow((int)skew.TotalSeconds)))
            : null;
    }

    private static AuthFailure? CheckSessionToken(SigV4Parameters p, SigV4Key credential)
    {
        var expected = credential.SessionToken;
        var sent = p.SecurityToken;
        if (expected is null && sent is null)
        {
            return null;
        }
        if (expected is null || sent is null || !FixedTimeEquals(expected, sent))
        {
            return SigV4Errors.UnrecognizedClient(sent is null ? "sigv4.session_token_missing" : "sigv4.session_token_wrong");
        }
        // In the header form the token must be covered by the signature; the query form signs it as a parameter.
        if (!p.Presigned && !ContainsHeader(p.SignedHeaders, "x-amz-security-token"))
        {
            return SigV4Errors.UnrecognizedClient("sigv4.session_token_unsigned");
        }
        return null;
    }

    private static string FormatWindow(int seconds) => seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} sec";

    private static bool ContainsHost(string signedHeaders) => ContainsHeader(signedHeaders, "host");

    private static bool ContainsHeader(string signedHeaders, string name)
    {
        foreach (var range in signedHeaders.AsSpan().Split(';'))
        {
            if (signedHeaders.AsSpan()[range].SequenceEqual(name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool SignatureEquals(string provided, ReadOnlySpan<byte> expected)
    {
        Span<byte> bytes = stackalloc byte[32];
        if (provided.Length != 64
            || Convert.FromHexString(provided, bytes, out _, out var written) != OperationStatus.Done
            || written != 32)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(bytes, expected);
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static bool IsHexSha256(string s)
    {
        if (s.Length != 64)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static ValueTask<SigV4Result> Fail(AuthFailure failure) => ValueTask.FromResult(new SigV4Result(null, failure));
}
