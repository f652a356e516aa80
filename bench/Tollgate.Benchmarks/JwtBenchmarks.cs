using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Policies.Authorizers.Jwt;

namespace Tollgate.Benchmarks;

/// <summary>
/// Validating a Cognito ID token whose signing key is already cached (RS256 and ES256): cold (the
/// verified token cache off: decode and signature every time) and as a cache hit (the same token
/// again, as sent in <c>Authorization: Bearer ...</c>: every check but the decode and signature).
/// </summary>
[MemoryDiagnoser]
public class JwtBenchmarks
{
    private const string Issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench";
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private HttpClient _http = null!;
    private JwksCache _cache = null!;
    private JwtValidator _validator = null!;
    private JwtValidator _caching = null!;
    private JwtAuthorizerSettings _settings = null!;
    private string _rs256 = "";
    private string _es256 = "";
    private string _rs256Header = "";
    private string _es256Header = "";

    [GlobalSetup]
    public void Setup()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rsaKey = rsa.ExportParameters(false);
        var ecKey = ec.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = "rsa", use = "sig", alg = "RS256", n = B64(rsaKey.Modulus!), e = B64(rsaKey.Exponent!) },
                new { kty = "EC", kid = "ec", use = "sig", alg = "ES256", crv = "P-256", x = B64(ecKey.Q.X!), y = B64(ecKey.Q.Y!) },
            },
        });
        _http = new HttpClient(new StaticHandler(jwks));
        var time = new FixedTimeProvider(Now);
        _cache = new JwksCache(_http, time, new Dictionary<string, string> { [Issuer] = "http://jwks.invalid/jwks.json" });
        _validator = new JwtValidator(_cache, time, new VerifiedTokenCache(capacity: 0));
        _caching = new JwtValidator(_cache, time, new VerifiedTokenCache());
        _settings = new JwtAuthorizerSettings { Kind = JwtAuthorizerKind.CognitoUserPools, Issuers = [Issuer] };
        _rs256 = Mint("RS256", "rsa", data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        _es256 = Mint("ES256", "ec", data => ec.SignData(data, HashAlgorithmName.SHA256));
        _rs256Header = "Bearer " + _rs256;
        _es256Header = "Bearer " + _es256;
        // Loads the keys, and the tokens into the caching validator: from here on every validation finds them cached.
        if (!Rs256() || !Es256() || !Rs256Hit() || !Es256Hit() || _caching.SignatureVerifications != 2)
        {
            throw new InvalidOperationException("the benchmark tokens do not validate");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _http.Dispose();
    }

    [Benchmark(Description = "Cognito ID token, RS256, cached key")]
    public bool Rs256() => Validate(_rs256);

    [Benchmark(Description = "Cognito ID token, ES256, cached key")]
    public bool Es256() => Validate(_es256);

    [Benchmark(Description = "Cognito ID token, RS256, verified token cache hit")]
    public bool Rs256Hit() => Validate(_rs256Header, _caching);

    [Benchmark(Description = "Cognito ID token, ES256, verified token cache hit")]
    public bool Es256Hit() => Validate(_es256Header, _caching);

    private bool Validate(string token) => Validate(token, _validator);

    private bool Validate(string token, JwtValidator validator)
    {
        var pending = validator.ValidateAsync(token, _settings, ImmutableArray<string>.Empty);
        return (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Succeeded;
    }

    private static string Mint(string alg, string kid, Func<byte[], byte[]> sign)
    {
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg, kid, typ = "JWT" }));
        var claims = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = "user-123",
            ["aud"] = "client-a",
            ["token_use"] = "id",
            ["cognito:username"] = "alice",
            ["email"] = "alice@example.com",
            ["iat"] = Now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["auth_time"] = Now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["exp"] = Now.AddHours(1).ToUnixTimeSeconds(),
        }));
        var input = header + "." + claims;
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class StaticHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
