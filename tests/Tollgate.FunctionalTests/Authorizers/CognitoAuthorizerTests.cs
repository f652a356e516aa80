using System.Collections.Immutable;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Policies.Authorizers;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>COGNITO_USER_POOLS through the real gateway, with tokens minted by PyJWT and the JWKS on a local Kestrel.</summary>
public sealed class CognitoAuthorizerTests(JwtTestFixture tokens) : IClassFixture<JwtTestFixture>
{
    private const string Unauthorized = "{\"message\":\"Unauthorized\"}";

    private static Authorizer Pool() => new()
    {
        Name = "pool",
        Type = "cognito_user_pools",
        IdentitySource = "method.request.header.Authorization",
        ProviderArns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example"],
    };

    private async Task<(RunningGateway Gateway, TestBackend Backend, FakeTimeProvider Clock)> StartAsync(
        ImmutableArray<string> scopes = default, string? jwksUrl = null)
    {
        var clock = new FakeTimeProvider(JwtTestFixture.Now);
        var backend = await TestBackend.StartAsync();
        var jwks = ImmutableDictionary<string, string>.Empty.Add(JwtTestFixture.CognitoIssuer, jwksUrl ?? tokens.JwksUrl);
        var gateway = await RunningGateway.StartAsync(Config(backend.Url, Pool(), "COGNITO_USER_POOLS", scopes: scopes, jwks: jwks), clock);
        return (gateway, backend, clock);
    }

    private static HttpRequestMessage Get(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders/7");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return request;
    }

    [Fact]
    public async Task IdToken_Valid_ClaimsReachBackend()
    {
        var (gateway, backend, _) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            var echo = await EchoAsync(await gateway.Client.SendAsync(Get(tokens.Token("cognitoId"))));
            Assert.Equal("ana", Header(echo, "X-Username"));
            Assert.Equal("user-123", Header(echo, "X-Sub"));

            // "Bearer " in front is accepted too.
            await EchoAsync(await gateway.Client.SendAsync(Get("Bearer " + tokens.Token("cognitoId"))));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("rs256")]
    [InlineData("hs256")]
    [InlineData("none")]
    [InlineData("cognitoAccess")]
    [InlineData("tampered")]
    public async Task IdToken_MissingMalformedForeignOrWrongUse_401(string? token)
    {
        var (gateway, backend, _) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            var value = token switch
            {
                null or "" or "not-a-jwt" => token,
                "tampered" => tokens.Token("cognitoId")[..^4] + "AAAA",
                _ => tokens.Token(token),
            };
            await AssertErrorAsync(await gateway.Client.SendAsync(Get(value)), 401, Unauthorized, "UnauthorizedException");
        }
    }

    [Fact]
    public async Task IdToken_AfterExpiry_401()
    {
        var (gateway, backend, clock) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            await EchoAsync(await gateway.Client.SendAsync(Get(tokens.Token("cognitoId"))));
            clock.Advance(TimeSpan.FromHours(2));
            await AssertErrorAsync(await gateway.Client.SendAsync(Get(tokens.Token("cognitoId"))), 401, Unauthorized, "UnauthorizedException");
        }
    }

    [Fact]
    public async Task Scopes_AccessTokenWithScope_Allowed_OthersRefused()
    {
        var (gateway, backend, _) = await StartAsync(scopes: ["orders/read", "orders/admin"]);
        await using (gateway)
        await using (backend)
        {
            await EchoAsync(await gateway.Client.SendAsync(Get(tokens.Token("cognitoAccess"))));
            // With scopes the method takes access tokens only.
            await AssertErrorAsync(await gateway.Client.SendAsync(Get(tokens.Token("cognitoId"))), 401, Unauthorized, "UnauthorizedException");
        }
        var (gateway2, backend2, _) = await StartAsync(scopes: ["orders/write"]);
        await using (gateway2)
        await using (backend2)
        {
            await AssertErrorAsync(await gateway2.Client.SendAsync(Get(tokens.Token("cognitoAccess"))), 401, Unauthorized, "UnauthorizedException");
        }
    }

    [Fact]
    public async Task Jwks_Unreachable_500AuthorizerConfigurationError()
    {
        var (gateway, backend, _) = await StartAsync(jwksUrl: tokens.BaseUrl + "/missing/jwks");
        await using (gateway)
        await using (backend)
        {
            await AssertErrorAsync(await gateway.Client.SendAsync(Get(tokens.Token("cognitoId"))), 500, "{\"message\":null}", "AuthorizerConfigurationException");
        }
    }

    [Fact]
    public async Task Jwt_IssuerDiscoveryAudienceAndScopes()
    {
        var clock = new FakeTimeProvider(JwtTestFixture.Now);
        await using var backend = await TestBackend.StartAsync();
        var jwt = new Authorizer { Name = "jwt", Type = "jwt", IdentitySource = "$request.header.Authorization", JwtIssuer = tokens.Issuer, JwtAudience = [JwtTestFixture.Audience] };
        await using var gateway = await RunningGateway.StartAsync(Config(backend.Url, jwt, "JWT", scopes: ["orders/write", "orders/read"]), clock);

        var echo = await EchoAsync(await gateway.Client.SendAsync(Get("Bearer " + tokens.Token("rs256"))));
        Assert.Equal("user-123", Header(echo, "X-Sub"));
        await EchoAsync(await gateway.Client.SendAsync(Get(tokens.Token("clientIdOnly"))));
        await AssertErrorAsync(await gateway.Client.SendAsync(Get(tokens.Token("wrongAudience"))), 401, Unauthorized, "UnauthorizedException");
        await AssertErrorAsync(await gateway.Client.SendAsync(Get(tokens.Token("wrongIssuer"))), 401, Unauthorized, "UnauthorizedException");
        // A valid token without any of the method's scopes.
        await AssertErrorAsync(await gateway.Client.SendAsync(Get(tokens.Token("es256"))), 403, "{\"message\":\"Forbidden\"}", "AccessDeniedException");
    }

    [Fact]
    public async Task Jwt_OnHttpApi_ClaimsMappedAndV2ErrorBodies()
    {
        var clock = new FakeTimeProvider(JwtTestFixture.Now);
        await using var backend = await TestBackend.StartAsync();
        var jwt = new Authorizer { Name = "jwt", Type = "jwt", IdentitySource = "$request.header.Authorization", JwtIssuer = tokens.Issuer, JwtAudience = [JwtTestFixture.Audience] };
        var method = new Method
        {
            HttpMethod = "GET",
            AuthorizationType = "JWT",
            AuthorizerId = "jwt",
            AuthorizationScopes = ["orders/read"],
            Integration = HttpApiModels.HttpProxy(backend.Url + "/orders/{id}", [("append:header.X-Sub", "$context.authorizer.claims.sub")]),
        };
        var api = HttpApiModels.HttpApi("orders", "$default", new Resource { Path = "/orders/{id}", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", method) }) with
        {
            Authorizers = ImmutableDictionary<string, Authorizer>.Empty.Add("jwt", jwt),
        };
        await using var gateway = await RunningGateway.StartAsync(new GatewayConfig { Apis = [api], Region = Region }, clock);

        HttpRequestMessage Request(string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/orders/7");
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }
            return request;
        }

        var echo = await EchoAsync(await gateway.Client.SendAsync(Request(tokens.Token("rs256"))));
        Assert.Equal("user-123", Header(echo, "X-Sub"));

        // HTTP APIs answer with their own bodies and no x-amzn-ErrorType.
        using var missing = await gateway.Client.SendAsync(Request(null));
        Assert.Equal(401, (int)missing.StatusCode);
        Assert.Equal(Unauthorized, await missing.Content.ReadAsStringAsync());
        Assert.False(missing.Headers.Contains("x-amzn-ErrorType"));
        using var noScope = await gateway.Client.SendAsync(Request(tokens.Token("es256")));
        Assert.Equal(403, (int)noScope.StatusCode);
        Assert.Equal("{\"message\":\"Forbidden\"}", await noScope.Content.ReadAsStringAsync());
    }
}
