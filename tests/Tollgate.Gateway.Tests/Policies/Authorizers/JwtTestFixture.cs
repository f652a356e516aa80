using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) serving OIDC discovery documents and JWKS, and a
/// set of tokens minted by PyJWT with fresh RSA and EC keys.
/// </summary>
public sealed class JwtTestFixture : IAsyncLifetime
{
    /// <summary>The time every token is minted around (the fake clock's default start).</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public const string Audience = "client-a";
    public const string CognitoIssuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example";

    private const string Minter = """
        import sys, json, jwt
        from cryptography.hazmat.primitives.asymmetric import rsa, ec
        from jwt.algorithms import RSAAlgorithm, ECAlgorithm
        keys = {
            'rsa1': rsa.generate_private_key(public_exponent=65537, key_size=2048),
            'rsa2': rsa.generate_private_key(public_exponent=65537, key_size=2048),
            'ec256': ec.generate_private_key(ec.SECP256R1()),
            'ec384': ec.generate_private_key(ec.SECP384R1()),
        }
        def jwk(name):
            k = keys[name].public_key()
            d = json.loads(RSAAlgorithm.to_jwk(k) if name.startswith('rsa') else ECAlgorithm.to_jwk(k))
            d['kid'] = name
            d['use'] = 'sig'
            return d
        out = {'jwks': {n: jwk(n) for n in keys}, 'tokens': {}}
        for name, t in json.load(sys.stdin).items():
            headers = {'kid': t['kid']} if t['kid'] else {}
            if t['alg'] == 'none':
                tok = jwt.encode(t['claims'], None, algorithm='none', headers=headers)
            elif t['alg'].startswith('HS'):
                tok = jwt.encode(t['claims'], 'a-shared-secret-of-at-least-32-bytes', algorithm=t['alg'], headers=headers)
            else:
                tok = jwt.encode(t['claims'], keys[t['key']], algorithm=t['alg'], headers=headers)
            out['tokens'][name] = tok
        print(json.dumps(out))
        """;

    private WebApplication? _app;
    private volatile bool _rotated;
    private Dictionary<string, string> _tokens = [];
    private JsonObject _jwks = [];

    public string BaseUrl { get; private set; } = "";

    /// <summary>Issuer whose discovery document leads to the main JWKS (rsa1, ec256, ec384).</summary>
    public string Issuer => BaseUrl + "/issuer";

    /// <summary>Issuer whose JWKS gains rsa2 once <see cref="Rotate"/> is called.</summary>
    public string RotatingIssuer => BaseUrl + "/rotating";

    /// <summary>Issuer whose discovery document does not exist.</summary>
    public string BrokenIssuer => BaseUrl + "/broken";

    public string JwksUrl => BaseUrl + "/jwks";

    public int JwksHits;

    public string Token(string name) => _tokens[name];

    public void Rotate() => _rotated = true;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/{issuer}/.well-known/openid-configuration", (string issuer) => issuer is "issuer" or "rotating"
            ? Results.Text(new JsonObject { ["issuer"] = $"{BaseUrl}/{issuer}", ["jwks_uri"] = $"{BaseUrl}/{issuer}/jwks" }.ToJsonString(), "application/json")
            : Results.NotFound());
        _app.MapGet("/issuer/jwks", () => ServeJwks("rsa1", "ec256", "ec384"));
        _app.MapGet("/jwks", () => ServeJwks("rsa1", "ec256", "ec384"));
        _app.MapGet("/rotating/jwks", () => _rotated ? ServeJwks("rsa1", "rsa2") : ServeJwks("rsa1"));
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Mint();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private IResult ServeJwks(params string[] names)
    {
        Interlocked.Increment(ref JwksHits);
        var keys = new JsonArray();
        foreach (var n in names)
        {
            keys.Add(_jwks[n]!.DeepClone());
        }
        return Results.Text(new JsonObject { ["keys"] = keys }.ToJsonString(), "application/json");
    }

    private void Mint()
    {
        var now = Now.ToUnixTimeSeconds();
        JsonObject Claims(string? iss = null, object? aud = null, long? exp = null, long? iat = null, long? nbf = null, params (string, object)[] extra)
        {
            var c = new JsonObject { ["iss"] = iss ?? Issuer, ["sub"] = "user-123", ["exp"] = exp ?? now + 3600, ["iat"] = iat ?? now };
            if (aud is string s)
            {
                c["aud"] = s;
            }
            else if (aud is string[] many)
            {
                c["aud"] = new JsonArray([.. many.Select(a => (JsonNode)a)]);
            }
            if (nbf is not null)
            {
                c["nbf"] = nbf;
            }
            foreach (var (k, v) in extra)
            {
                c[k] = JsonSerializer.SerializeToNode(v);
            }
            return c;
        }
        JsonObject T(string alg, string key, string? kid, JsonObject claims) =>
            new() { ["alg"] = alg, ["key"] = key, ["kid"] = kid, ["claims"] = claims };

        var spec = new JsonObject
        {
            ["rs256"] = T("RS256", "rsa1", "rsa1", Claims(aud: Audience, extra: [("scope", "orders/read profile"), ("cognito:groups", new[] { "admin", "ops" }), ("email_verified", true)])),
            ["rs384"] = T("RS384", "rsa1", "rsa1", Claims(aud: Audience)),
            ["rs512"] = T("RS512", "rsa1", "rsa1", Claims(aud: Audience)),
            ["ps256"] = T("PS256", "rsa1", "rsa1", Claims(aud: Audience)),
            ["es256"] = T("ES256", "ec256", "ec256", Claims(aud: Audience)),
            ["es384"] = T("ES384", "ec384", "ec384", Claims(aud: Audience)),
            ["es256WithEc384Kid"] = T("ES256", "ec256", "ec384", Claims(aud: Audience)),
            ["expired"] = T("RS256", "rsa1", "rsa1", Claims(aud: Audience, exp: now - 61)),
            ["expiredWithinSkew"] = T("RS256", "rsa1", "rsa1", Claims(aud: Audience, exp: now - 30)),
            ["notYetValid"] = T("RS256", "rsa1", "rsa1", Claims(aud: Audience, nbf: now + 600)),
            ["issuedInFuture"] = T("RS256", "rsa1", "rsa1", Claims(aud: Audience, iat: now + 600)),
            ["noExp"] = T("RS256", "rsa1", "rsa1", new JsonObject { ["iss"] = Issuer, ["aud"] = Audience }),
            ["wrongIssuer"] = T("RS256", "rsa1", "rsa1", Claims(iss: "https://evil.example.com", aud: Audience)),
            ["wrongAudience"] = T("RS256", "rsa1", "rsa1", Claims(aud: "client-b")),
            ["audienceArray"] = T("RS256", "rsa1", "rsa1", Claims(aud: new[] { "client-b", Audience })),
            ["clientIdOnly"] = T("RS256", "rsa1", "rsa1", Claims(extra: [("client_id", Audience), ("scp", new[] { "orders/write", "orders/read" })])),
            ["unknownKid"] = T("RS256", "rsa2", "rsa2", Claims(aud: Audience)),
            ["noKid"] = T("RS256", "rsa1", null, Claims(aud: Audience)),
            ["hs256"] = T("HS256", "", "rsa1", Claims(aud: Audience)),
            ["none"] = T("none", "", "rsa1", Claims(aud: Audience)),
            ["rotated"] = T("RS256", "rsa2", "rsa2", Claims(iss: RotatingIssuer, aud: Audience)),
            ["rotatingRsa1"] = T("RS256", "rsa1", "rsa1", Claims(iss: RotatingIssuer, aud: Audience)),
            ["broken"] = T("RS256", "rsa1", "rsa1", Claims(iss: BrokenIssuer, aud: Audience)),
            ["cognitoId"] = T("RS256", "rsa1", "rsa1", Claims(iss: CognitoIssuer, aud: Audience, extra: [("token_use", "id"), ("cognito:username", "ana")])),
            ["cognitoAccess"] = T("RS256", "rsa1", "rsa1", Claims(iss: CognitoIssuer, extra: [("token_use", "access"), ("client_id", Audience), ("scope", "orders/read")])),
        };
        using var output = JsonDocument.Parse(Python.Run(Minter, spec.ToJsonString()));
        _jwks = JsonNode.Parse(output.RootElement.GetProperty("jwks").GetRawText())!.AsObject();
        _tokens = output.RootElement.GetProperty("tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
