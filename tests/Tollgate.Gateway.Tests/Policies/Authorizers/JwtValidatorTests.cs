using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Authorizers.Jwt;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>Tokens minted by PyJWT, keys served by a local Kestrel server.</summary>
public sealed class JwtValidatorTests(JwtTestFixture f) : IClassFixture<JwtTestFixture>, IDisposable
{
    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _clock = new(JwtTestFixture.Now);

    public void Dispose() => _http.Dispose();

    private JwksCache Cache(Dictionary<string, string>? overrides = null) => new(_http, _clock, overrides);

    private JwtAuthorizerSettings Jwt(string? issuer = null) => new()
    {
        Kind = JwtAuthorizerKind.Jwt,
        Issuers = [issuer ?? f.Issuer],
        Audiences = [JwtTestFixture.Audience],
    };

    private static JwtAuthorizerSettings Cognito() => new()
    {
        Kind = JwtAuthorizerKind.CognitoUserPools,
        Issuers = [JwtTestFixture.CognitoIssuer],
    };

    private Task<JwtValidationResult> Validate(string token, JwtAuthorizerSettings? settings = null, ImmutableArray<string> scopes = default, JwksCache? cache = null) =>
        new JwtValidator(cache ?? Cache(), _clock).ValidateAsync(token, settings ?? Jwt(), scopes.IsDefault ? [] : scopes).AsTask();

    [Theory]
    [InlineData("rs256")]
    [InlineData("rs384")]
    [InlineData("rs512")]
    [InlineData("ps256")]
    [InlineData("es256")]
    [InlineData("es384")]
    [InlineData("audienceArray")]
    [InlineData("clientIdOnly")]
    [InlineData("expiredWithinSkew")]
    public async Task ValidateAsync_ValidToken_Succeeds(string name)
    {
        var result = await Validate(f.Token(name));

        Assert.True(result.Succeeded, result.Reason.ToString());
        Assert.Equal(f.Issuer, result.Claims!["iss"]);
    }

    [Fact]
    public async Task ValidateAsync_ValidToken_ClaimsAsStringsForContext()
    {
        var result = await Validate("Bearer " + f.Token("rs256"), scopes: ["orders/write", "orders/read"]);

        Assert.True(result.Succeeded, result.Reason.ToString());
        Assert.Equal("user-123", result.Claims!["sub"]);
        Assert.Equal(JwtTestFixture.Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), result.Claims["exp"]);
        Assert.Equal("""["admin","ops"]""", result.Claims["cognito:groups"]);
        Assert.Equal("true", result.Claims["email_verified"]);
        Assert.Equal(["orders/read", "profile"], result.Scopes.ToArray());
    }

    [Theory]
    [InlineData("expired", nameof(JwtFailureReason.Expired))]
    [InlineData("noExp", nameof(JwtFailureReason.Expired))]
    [InlineData("notYetValid", nameof(JwtFailureReason.NotYetValid))]
    [InlineData("issuedInFuture", nameof(JwtFailureReason.IssuedInFuture))]
    [InlineData("wrongIssuer", nameof(JwtFailureReason.WrongIssuer))]
    [InlineData("wrongAudience", nameof(JwtFailureReason.WrongAudience))]
    [InlineData("hs256", nameof(JwtFailureReason.AlgorithmNotAllowed))]
    [InlineData("none", nameof(JwtFailureReason.AlgorithmNotAllowed))]
    [InlineData("noKid", nameof(JwtFailureReason.UnknownKey))]
    [InlineData("unknownKid", nameof(JwtFailureReason.UnknownKey))]
    [InlineData("es256WithEc384Kid", nameof(JwtFailureReason.BadSignature))]
    public async Task ValidateAsync_BadToken_UnauthorizedWithReason(string name, string reason)
    {
        var result = await Validate(f.Token(name));

        Assert.Equal(reason, result.Reason.ToString());
        Assert.Equal(GatewayResponseType.UNAUTHORIZED, result.Failure!.ResponseType);
        Assert.Equal(401, result.Failure.StatusCode);
        Assert.Equal("Unauthorized", result.Failure.Message);
        Assert.StartsWith("jwt.", result.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_ChangedPayload_BadSignature()
    {
        var parts = f.Token("rs256").Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("user-123", "user-124", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var result = await Validate(forged);

        Assert.Equal(JwtFailureReason.BadSignature, result.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer ")]
    public async Task ValidateAsync_NoToken_MissingToken(string value)
    {
        Assert.Equal(JwtFailureReason.MissingToken, (await Validate(value)).Reason);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!!.e30.c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9..c2ln")]
    [InlineData("e30.e30.c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiYiJdfQ.e30.c2ln")]
    public async Task ValidateAsync_MalformedToken_Malformed(string token)
    {
        Assert.Equal(JwtFailureReason.Malformed, (await Validate(token)).Reason);
    }

    [Fact]
    public async Task ValidateAsync_RequiredScopeMissing_MissingScope()
    {
        var result = await Validate(f.Token("rs256"), scopes: ["orders/write"]);

        Assert.Equal(JwtFailureReason.MissingScope, result.Reason);
        Assert.Equal(401, result.Failure!.StatusCode);
    }

    [Fact]
    public async Task ValidateAsync_ScpArrayHasOneRequiredScope_Succeeds()
    {
        var result = await Validate(f.Token("clientIdOnly"), scopes: ["admin", "orders/write"]);

        Assert.True(result.Succeeded, result.Reason.ToString());
    }

    [Fact]
    public async Task ValidateAsync_CognitoIdTokenWithoutScopes_SucceedsThroughJwksOverride()
    {
        var cache = Cache(new() { [JwtTestFixture.CognitoIssuer] = f.JwksUrl });

        var result = await Validate(f.Token("cognitoId"), Cognito(), cache: cache);

        Assert.True(result.Succeeded, result.Reason.ToString());
        Assert.Equal("ana", result.Claims!["cognito:username"]);
    }

    [Fact]
    public async Task ValidateAsync_CognitoAccessTokenWithoutScopes_WrongTokenUse()
    {
        var cache = Cache(new() { [JwtTestFixture.CognitoIssuer] = f.JwksUrl });

        var result = await Validate(f.Token("cognitoAccess"), Cognito(), cache: cache);

        Assert.Equal(JwtFailureReason.WrongTokenUse, result.Reason);
    }

    [Fact]
    public async Task ValidateAsync_CognitoAccessTokenWithScope_Succeeds()
    {
        var cache = Cache(new() { [JwtTestFixture.CognitoIssuer] = f.JwksUrl });

        var result = await Validate(f.Token("cognitoAccess"), Cognito(), ["orders/read"], cache);

        Assert.True(result.Succeeded, result.Reason.ToString());
    }

    [Fact]
    public async Task ValidateAsync_CognitoIdTokenWhenScopesRequired_WrongTokenUse()
    {
        var cache = Cache(new() { [JwtTestFixture.CognitoIssuer] = f.JwksUrl });

        var result = await Validate(f.Token("cognitoId"), Cognito(), ["orders/read"], cache);

        Assert.Equal(JwtFailureReason.WrongTokenUse, result.Reason);
    }

    [Fact]
    public async Task ValidateAsync_IssuerWithoutDiscovery_AuthorizerConfigurationError()
    {
        var result = await Validate(f.Token("broken"), Jwt(f.BrokenIssuer));

        Assert.Equal(JwtFailureReason.JwksUnavailable, result.Reason);
        Assert.Equal(GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR, result.Failure!.ResponseType);
        Assert.Equal(500, result.Failure.StatusCode);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKid_RefetchesOnceThenStaysUnknown()
    {
        var cache = Cache();
        Assert.True((await Validate(f.Token("rs256"), cache: cache)).Succeeded);
        Assert.Equal(1, cache.FetchCount);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var first = await Validate(f.Token("unknownKid"), cache: cache);
        var second = await Validate(f.Token("unknownKid"), cache: cache);
        var known = await Validate(f.Token("es256"), cache: cache);

        Assert.Equal(JwtFailureReason.UnknownKey, first.Reason);
        Assert.Equal(JwtFailureReason.UnknownKey, second.Reason);
        Assert.True(known.Succeeded);
        Assert.Equal(2, cache.FetchCount);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKidWithinAMinute_NoSecondFetchUntilTheMinutePasses()
    {
        var cache = Cache();
        await Validate(f.Token("rs256"), cache: cache);

        _clock.Advance(TimeSpan.FromSeconds(59));
        await Validate(f.Token("unknownKid"), cache: cache);
        Assert.Equal(1, cache.FetchCount);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await Validate(f.Token("unknownKid"), cache: cache);
        Assert.Equal(2, cache.FetchCount);

        _clock.Advance(TimeSpan.FromSeconds(30));
        await Validate(f.Token("unknownKid"), cache: cache);
        Assert.Equal(2, cache.FetchCount);
    }

    [Fact]
    public async Task ValidateAsync_KeyRotatedAtIssuer_NewKidFoundByRefetch()
    {
        var cache = Cache();
        Assert.True((await Validate(f.Token("rotatingRsa1"), Jwt(f.RotatingIssuer), cache: cache)).Succeeded);

        f.Rotate();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var result = await Validate(f.Token("rotated"), Jwt(f.RotatingIssuer), cache: cache);

        Assert.True(result.Succeeded, result.Reason.ToString());
        Assert.Equal(2, cache.FetchCount);
    }

    [Fact]
    public async Task ValidateAsync_KnownKid_ServedFromCacheWithoutFetching()
    {
        var cache = Cache();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await Validate(f.Token("rs256"), cache: cache)).Succeeded);
            _clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(1, cache.FetchCount);
    }

    [Fact]
    public async Task ValidateAsync_KeysOlderThanMaxAge_Refreshed()
    {
        var cache = new JwksCache(_http, _clock) { MaxKeyAge = TimeSpan.FromMinutes(30) };
        await Validate(f.Token("rs256"), cache: cache);

        _clock.Advance(TimeSpan.FromMinutes(30));
        var result = await Validate(f.Token("rs256"), cache: cache);

        Assert.True(result.Succeeded);
        Assert.Equal(2, cache.FetchCount);
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer   abc", "abc")]
    [InlineData("abc", "abc")]
    [InlineData("  abc  ", "abc")]
    [InlineData("Bearerabc", "Bearerabc")]
    [InlineData("Bearer", "")]
    public void StripBearer_HeaderValue_TokenOnly(string value, string expected)
    {
        Assert.Equal(expected, JwtValidator.StripBearer(value));
    }

    [Fact]
    public void FromAuthorizer_CognitoProviderArn_IssuerUrl()
    {
        var settings = JwtAuthorizerSettings.FromAuthorizer(new Authorizer
        {
            Name = "pool",
            Type = "cognito_user_pools",
            ProviderArns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example"],
        });

        Assert.Equal(JwtAuthorizerKind.CognitoUserPools, settings!.Kind);
        Assert.Equal([JwtTestFixture.CognitoIssuer], settings.Issuers.ToArray());
        Assert.Empty(settings.Audiences);
    }

    [Fact]
    public void FromAuthorizer_JwtAuthorizer_IssuerAndAudience()
    {
        var settings = JwtAuthorizerSettings.FromAuthorizer(new Authorizer
        {
            Name = "jwt",
            Type = "jwt",
            JwtIssuer = "https://issuer.example.com",
            JwtAudience = ["a", "b"],
        });

        Assert.Equal(JwtAuthorizerKind.Jwt, settings!.Kind);
        Assert.Equal(["a", "b"], settings.Audiences.ToArray());
    }
}
