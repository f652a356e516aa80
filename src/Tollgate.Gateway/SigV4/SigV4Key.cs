using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Gateway.SigV4;

/// <summary>
/// One access key, as a SigV4 signer or verifier needs it (the secret is kept only as the seed
/// of its signing keys); a credential store may extend it with who owns the key. Keeps <c>"AWS4" + secret</c> and the last derived signing key: callers sign
/// with one date, region and service at a time, so one entry per key hits almost always and
/// bounds memory without any eviction policy.
/// </summary>
internal class SigV4Key
{
    private readonly byte[] _secretSeed;
    private volatile DerivedKey? _last;

    public SigV4Key(string accessKeyId, string secretAccessKey, string? sessionToken)
    {
        AccessKeyId = accessKeyId;
        _secretSeed = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        SessionToken = sessionToken;
    }

    public string AccessKeyId { get; }
    public string? SessionToken { get; }

    /// <summary>HMAC chain "AWS4"+secret → date → region → service → "aws4_request", cached.</summary>
    public byte[] GetSigningKey(string date, string region, string service)
    {
        var last = _last;
        if (last is not null && last.Date == date && last.Region == region && last.Service == service)
        {
            return last.Key;
        }
        var key = DeriveSigningKey(_secretSeed, date, region, service);
        _last = new DerivedKey(date, region, service, key);
        return key;
    }

    public static byte[] DeriveSigningKey(byte[] secretSeed, string date, string region, string service)
    {
        Span<byte> k = stackalloc byte[32];
        HMACSHA256.HashData(secretSeed, Encoding.UTF8.GetBytes(date), k);
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region), k);
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service), k);
        HMACSHA256.HashData(k, "aws4_request"u8, k);
        return k.ToArray();
    }

    public override string ToString() => $"{GetType().Name} {{ AccessKeyId = {AccessKeyId} }}";

    private sealed record DerivedKey(string Date, string Region, string Service, byte[] Key);
}

/// <summary>Where a verifier finds the key of an access key id (the IAM principals, later the management API's credentials).</summary>
internal interface ISigV4Keys
{
    bool TryGetKey(string accessKeyId, out SigV4Key key);
}
