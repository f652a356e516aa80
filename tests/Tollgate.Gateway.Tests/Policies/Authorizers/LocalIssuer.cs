using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>
/// An issuer whose keys the test holds: it mints ES256 (or RS256) tokens in process and serves
/// its JWKS through an <see cref="HttpClient"/> handler, so a test can mint hundreds of tokens
/// and change the JWKS (rotate, revoke, reuse a kid) between two requests.
/// </summary>
public sealed class LocalIssuer : IDisposable
{
    public const string Issuer = "https://issuer.test/pool";
    public const string JwksUrl = "http://jwks.test/jwks.json";

    private readonly Dictionary<string, AsymmetricAlgorithm> _keys = [];
    private volatile string[] _published = [];

    public LocalIssuer() => Http = new HttpClient(new JwksHandler(this));

    public HttpClient Http { get; }

    /// <summary>The JWKS requests served so far.</summary>
    public int JwksFetches;

    /// <summary>Creates (or replaces) the key named <paramref name="kid"/>: EC P-256, or RSA 2048 when <paramref name="rsa"/>.</summary>
    public void NewKey(string kid, bool rsa = false)
    {
        if (_keys.Remove(kid, out var old))
        {
            old.Dispose();
        }
        _keys[kid] = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    /// <summary>Which keys the JWKS lists from now on.</summary>
    public void Publish(params string[] kids) => _published = kids;

    /// <summary>A token signed with <paramref name="kid"/>'s key; <paramref name="claims"/> adds to, replaces or (with null) removes iss, sub, aud, iat and exp (one hour).</summary>
    public string Mint(string kid, DateTimeOffset now, JsonObject? claims = null)
    {
        var key = _keys[kid];
        var payload = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = "user-1",
            ["aud"] = "client-a",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in claims ?? [])
        {
            if (value is null)
            {
                payload.Remove(name);
            }
            else
            {
                payload[name] = value.DeepClone();
            }
        }
        var alg = key is RSA ? "RS256" : "ES256";
        var input = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg, kid, typ = "JWT" })) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(input);
        var signature = key is RSA r
            ? r.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : ((ECDsa)key).SignData(data, HashAlgorithmName.SHA256);
        return input + "." + B64(signature);
    }

    public void Dispose()
    {
        Http.Dispose();
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private string Jwks()
    {
        var keys = new JsonArray();
        foreach (var kid in _published)
        {
            switch (_keys[kid])
            {
                case RSA rsa:
                    var p = rsa.ExportParameters(false);
                    keys.Add(new JsonObject { ["kty"] = "RSA", ["kid"] = kid, ["use"] = "sig", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) });
                    break;
                case ECDsa ec:
                    var q = ec.ExportParameters(false).Q;
                    keys.Add(new JsonObject { ["kty"] = "EC", ["kid"] = kid, ["use"] = "sig", ["crv"] = "P-256", ["x"] = B64(q.X!), ["y"] = B64(q.Y!) });
                    break;
            }
        }
        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    private static string B64(byte[] data) => Base64Url.EncodeToString(data);

    private sealed class JwksHandler(LocalIssuer issuer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.ToString() != JwksUrl)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }
            Interlocked.Increment(ref issuer.JwksFetches);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(issuer.Jwks(), Encoding.UTF8, "application/json"),
            });
        }
    }
}
