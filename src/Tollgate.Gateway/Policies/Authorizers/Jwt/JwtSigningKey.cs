using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>
/// A public key from a JWKS, imported once. .NET's RSA and ECDsa objects may verify from many
/// threads at once as long as the key is not changed after import, so one instance serves all.
/// </summary>
internal sealed class JwtSigningKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly string? _curve;

    private JwtSigningKey(string kid, string? alg, RSA? rsa, ECDsa? ec, string? curve)
    {
        Kid = kid;
        Alg = alg;
        _rsa = rsa;
        _ec = ec;
        _curve = curve;
    }

    public string Kid { get; }

    /// <summary>The JWK's own <c>alg</c>, if it names one; the token's must then be the same.</summary>
    public string? Alg { get; }

    /// <summary>Verifies a JWS signature for one of the asymmetric algorithms; false for any mismatch of key and algorithm.</summary>
    public bool Verify(string alg, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (Alg is not null && Alg != alg)
        {
            return false;
        }
        switch (alg)
        {
            case "RS256": return _rsa is not null && _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            case "RS384": return _rsa is not null && _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);
            case "RS512": return _rsa is not null && _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1);
            case "PS256": return _rsa is not null && _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
            case "PS384": return _rsa is not null && _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
            case "PS512": return _rsa is not null && _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss);
            case "ES256": return _curve == "P-256" && _ec!.VerifyData(signingInput, signature, HashAlgorithmName.SHA256);
            case "ES384": return _curve == "P-384" && _ec!.VerifyData(signingInput, signature, HashAlgorithmName.SHA384);
            case "ES512": return _curve == "P-521" && _ec!.VerifyData(signingInput, signature, HashAlgorithmName.SHA512);
            default: return false;
        }
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }

    /// <summary>Reads the signing keys of a JWKS document; keys for encryption, without kid, or of unknown type are skipped.</summary>
    public static List<JwtSigningKey> ParseJwks(ReadOnlySpan<byte> json)
    {
        var keys = new List<JwtSigningKey>();
        using var doc = JsonDocument.Parse(json.ToArray());
        if (!doc.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("A JWKS must be an object with a \"keys\" array.");
        }
        foreach (var jwk in array.EnumerateArray())
        {
            var key = TryImport(jwk);
            if (key is not null)
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    private static JwtSigningKey? TryImport(JsonElement jwk)
    {
        var kid = Str(jwk, "kid");
        var use = Str(jwk, "use");
        if (kid is null || (use is not null && use != "sig"))
        {
            return null;
        }
        var alg = Str(jwk, "alg");
        try
        {
            switch (Str(jwk, "kty"))
            {
                case "RSA":
                    {
                        var n = Bytes(jwk, "n");
                        var e = Bytes(jwk, "e");
                        if (n is null || e is null)
                        {
                            return null;
                        }
                        var rsa = RSA.Create();
                        rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
                        return new JwtSigningKey(kid, alg, rsa, null, null);
                    }
                case "EC":
                    {
                        var crv = Str(jwk, "crv");
                        var x = Bytes(jwk, "x");
                        var y = Bytes(jwk, "y");
                        ECCurve? curve = crv switch
                        {
                            "P-256" => ECCurve.NamedCurves.nistP256,
                            "P-384" => ECCurve.NamedCurves.nistP384,
                            "P-521" => ECCurve.NamedCurves.nistP521,
                            _ => null,
                        };
                        if (curve is null || x is null || y is null)
                        {
                            return null;
                        }
                        var ec = ECDsa.Create(new ECParameters { Curve = curve.Value, Q = new ECPoint { X = x, Y = y } });
                        return new JwtSigningKey(kid, alg, null, ec, crv);
                    }
                default:
                    return null;
            }
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static byte[]? Bytes(JsonElement e, string name)
    {
        var s = Str(e, name);
        if (s is null)
        {
            return null;
        }
        try
        {
            return Base64Url.DecodeFromChars(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
