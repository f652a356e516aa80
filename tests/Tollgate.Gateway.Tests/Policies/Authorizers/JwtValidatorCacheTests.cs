using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Tollgate.Gateway.Policies.Authorizers.Jwt;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>
/// The verified token cache seen through the validator: what a repeated token skips (counted by
/// <see cref="JwtValidator.SignatureVerifications"/>) and what is still checked on every request.
/// </summary>
public sealed class JwtValidatorCacheTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly LocalIssuer _issuer = new();
    private readonly JwksCache _jwks;

    public JwtValidatorCacheTests()
    {
        _issuer.NewKey("k1");
        _issuer.Publish("k1");
        _jwks = new JwksCache(_issuer.Http, _clock, new Dictionary<string, string> { [LocalIssuer.Issuer] = LocalIssuer.JwksUrl })
        {
            MaxKeyAge = TimeSpan.FromMinutes(10),
        };
    }

    public void Dispose()
    {
        _jwks.Dispose();
        _issuer.Dispose();
    }

    private static JwtAuthorizerSettings Settings(string audience = "client-a", TimeSpan? skew = null) => new()
    {
        Kind = JwtAuthorizerKind.Jwt,
        Issuers = [LocalIssuer.Issuer],
        Audiences = [audience],
        ClockSkew = skew ?? JwtAuthorizerSettings.DefaultClockSkew,
    };

    private static Task<JwtValidationResult> Validate(JwtValidator validator, string token, JwtAuthorizerSettings? settings = null, ImmutableArray<string> scopes = default) =>
        validator.ValidateAsync(token, settings ?? Settings(), scopes.IsDefault ? [] : scopes).AsTask();

    private JwtValidator Validator(VerifiedTokenCache? cache = null) => new(_jwks, _clock, cache ?? new VerifiedTokenCache());

    [Fact]
    public async Task ValidateAsync_SameTokenAgain_SignatureNotVerifiedAgain()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);

        var first = await Validate(validator, token);
        var second = await Validate(validator, token);
        var withBearer = await Validate(validator, "Bearer " + token);

        Assert.True(first.Succeeded, first.Reason.ToString());
        Assert.True(second.Succeeded, second.Reason.ToString());
        Assert.True(withBearer.Succeeded, withBearer.Reason.ToString());
        Assert.Equal(1, validator.SignatureVerifications);
        Assert.Same(first, second);
        Assert.Equal("user-1", second.Claims!["sub"]);
    }

    [Fact]
    public async Task ValidateAsync_CacheOff_SignatureVerifiedEveryTime()
    {
        var validator = Validator(new VerifiedTokenCache(capacity: 0));
        var token = _issuer.Mint("k1", Now);

        Assert.True((await Validate(validator, token)).Succeeded);
        Assert.True((await Validate(validator, token)).Succeeded);

        Assert.Equal(2, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenOnceExpIsReached_Expired()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now, new JsonObject { ["exp"] = Now.AddMinutes(5).ToUnixTimeSeconds() });
        var noSkew = Settings(skew: TimeSpan.Zero);
        Assert.True((await Validate(validator, token, noSkew)).Succeeded);

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var lastSecond = await Validate(validator, token, noSkew);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var atExp = await Validate(validator, token, noSkew);

        Assert.True(lastSecond.Succeeded, lastSecond.Reason.ToString());
        Assert.Equal(JwtFailureReason.Expired, atExp.Reason);
        Assert.Equal(2, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_PastExpWithinClockSkew_VerifiedEachTimeNotServedFromCache()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now, new JsonObject { ["exp"] = Now.AddMinutes(5).ToUnixTimeSeconds() });
        Assert.True((await Validate(validator, token)).Succeeded);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        var first = await Validate(validator, token);
        var second = await Validate(validator, token);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var pastSkew = await Validate(validator, token);

        Assert.True(first.Succeeded, first.Reason.ToString());
        Assert.True(second.Succeeded, second.Reason.ToString());
        Assert.Equal(JwtFailureReason.Expired, pastSkew.Reason);
        Assert.Equal(4, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_TokenWithoutExp_NeverCached()
    {
        var cache = new VerifiedTokenCache();
        var validator = Validator(cache);
        var token = _issuer.Mint("k1", Now, new JsonObject { ["exp"] = null });

        Assert.Equal(JwtFailureReason.Expired, (await Validate(validator, token)).Reason);
        Assert.Equal(JwtFailureReason.Expired, (await Validate(validator, token)).Reason);

        Assert.Equal(2, validator.SignatureVerifications);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenBeforeNbf_RefusedUntilNbfThenServedFromCache()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now, new JsonObject { ["nbf"] = Now.AddMinutes(10).ToUnixTimeSeconds() });

        var early = await Validate(validator, token);
        _clock.Advance(TimeSpan.FromMinutes(9));
        var withinSkew = await Validate(validator, token);

        Assert.Equal(JwtFailureReason.NotYetValid, early.Reason);
        Assert.True(withinSkew.Succeeded, withinSkew.Reason.ToString());
        Assert.Equal(1, validator.SignatureVerifications);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ValidateAsync_CachedTokenWithOneCharacterChanged_Refused(int segment)
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);
        Assert.True((await Validate(validator, token)).Succeeded);
        var parts = token.Split('.');
        var part = parts[segment].ToCharArray();
        // A character in the middle: all six of its bits are data (the last one of a segment may carry padding bits).
        part[part.Length / 2] = part[part.Length / 2] == 'A' ? 'B' : 'A';
        parts[segment] = new string(part);
        var changed = string.Join('.', parts);

        var result = await Validate(validator, changed);

        Assert.False(result.Succeeded);
        Assert.Equal(401, result.Failure!.StatusCode);
        Assert.True((await Validate(validator, token)).Succeeded);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenWithSignatureChanged_BadSignature()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);
        await Validate(validator, token);
        var middle = token.LastIndexOf('.') + 20;
        var changed = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];

        var result = await Validate(validator, changed);

        Assert.Equal(JwtFailureReason.BadSignature, result.Reason);
        Assert.Equal(2, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenWhoseKeyLeftTheJwks_UnknownKey()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);
        Assert.True((await Validate(validator, token)).Succeeded);
        Assert.True((await Validate(validator, token)).Succeeded);

        _issuer.NewKey("k2");
        _issuer.Publish("k2");
        _clock.Advance(TimeSpan.FromMinutes(10));
        var result = await Validate(validator, token);

        Assert.Equal(JwtFailureReason.UnknownKey, result.Reason);
        Assert.Equal(1, validator.SignatureVerifications);
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenWhenANewKidRefreshedTheJwksWithoutItsKey_UnknownKey()
    {
        var validator = Validator();
        var old = _issuer.Mint("k1", Now);
        Assert.True((await Validate(validator, old)).Succeeded);

        _issuer.NewKey("k2");
        _issuer.Publish("k2");
        _clock.Advance(TimeSpan.FromMinutes(1));
        var rotated = await Validate(validator, _issuer.Mint("k2", Now));
        var result = await Validate(validator, old);

        Assert.True(rotated.Succeeded, rotated.Reason.ToString());
        Assert.Equal(JwtFailureReason.UnknownKey, result.Reason);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenWhoseKidNowNamesAnotherKey_BadSignature()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);
        Assert.True((await Validate(validator, token)).Succeeded);

        _issuer.NewKey("k1");
        _clock.Advance(TimeSpan.FromMinutes(10));
        var result = await Validate(validator, token);

        Assert.Equal(JwtFailureReason.BadSignature, result.Reason);
        Assert.Equal(2, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_JwksRefreshedWithTheSameKey_VerifiedOnceMoreThenCachedAgain()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);
        await Validate(validator, token);

        _clock.Advance(TimeSpan.FromMinutes(10));
        var afterRefresh = await Validate(validator, token);
        var again = await Validate(validator, token);

        Assert.True(afterRefresh.Succeeded, afterRefresh.Reason.ToString());
        Assert.True(again.Succeeded, again.Reason.ToString());
        Assert.Equal(2, validator.SignatureVerifications);
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenForAnotherAuthorizer_ItsAudienceAndScopesChecked()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now, new JsonObject { ["scope"] = "orders/read" });
        Assert.True((await Validate(validator, token)).Succeeded);

        var otherAudience = await Validate(validator, token, Settings(audience: "client-b"));
        var missingScope = await Validate(validator, token, scopes: ["orders/write"]);
        var withScope = await Validate(validator, token, scopes: ["orders/write", "orders/read"]);
        var otherIssuer = await Validate(validator, token, Settings() with { Issuers = ["https://other.test"] });
        var otherAlgorithm = await Validate(validator, token, Settings() with { Algorithms = new FrozenAlgorithms("RS256") });

        Assert.Equal(JwtFailureReason.WrongAudience, otherAudience.Reason);
        Assert.Equal(JwtFailureReason.MissingScope, missingScope.Reason);
        Assert.True(withScope.Succeeded, withScope.Reason.ToString());
        Assert.Equal(["orders/read"], withScope.Scopes.ToArray());
        Assert.Equal(JwtFailureReason.WrongIssuer, otherIssuer.Reason);
        Assert.Equal(JwtFailureReason.AlgorithmNotAllowed, otherAlgorithm.Reason);
        Assert.Equal(1, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_TokenRefusedForItsClaims_StillCachedForAMethodThatAcceptsIt()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);

        var refused = await Validate(validator, token, Settings(audience: "client-b"));
        var accepted = await Validate(validator, token);

        Assert.Equal(JwtFailureReason.WrongAudience, refused.Reason);
        Assert.True(accepted.Succeeded, accepted.Reason.ToString());
        Assert.Equal(1, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_ManyDistinctTokens_CacheStaysWithinCapacity()
    {
        var cache = new VerifiedTokenCache(capacity: 16);
        var validator = Validator(cache);

        for (var i = 0; i < 200; i++)
        {
            var token = _issuer.Mint("k1", Now, new JsonObject { ["sub"] = $"user-{i}" });
            Assert.True((await Validate(validator, token)).Succeeded);
            Assert.InRange(cache.Count, 1, cache.Capacity);
        }

        Assert.Equal(16, cache.Capacity);
        Assert.Equal(200, validator.SignatureVerifications);
    }

    [Fact]
    public async Task ValidateAsync_FloodOfBadSignatures_NothingCached()
    {
        var cache = new VerifiedTokenCache();
        var validator = Validator(cache);
        var token = _issuer.Mint("k1", Now);
        var signatureStart = token.LastIndexOf('.') + 1;

        for (var i = 0; i < 100; i++)
        {
            var forged = token[..signatureStart] + i.ToString("D4") + token[(signatureStart + 4)..];
            Assert.Equal(JwtFailureReason.BadSignature, (await Validate(validator, forged)).Reason);
        }

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ValidateAsync_ConcurrentRequestsWithEvictions_EachTokenGetsItsOwnClaims()
    {
        // A small cache, so that the threads keep evicting each other's entries while they read.
        var validator = Validator(new VerifiedTokenCache(capacity: 8));
        var tokens = Enumerable.Range(0, 32).Select(i => _issuer.Mint("k1", Now, new JsonObject { ["sub"] = $"user-{i}" })).ToArray();
        var forged = tokens.Select(t => t[..^10] + (t[^10] == 'A' ? 'B' : 'A') + t[^9..]).ToArray();
        var wrong = 0;

        await Parallel.ForAsync(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var i = n % tokens.Length;
            var good = await validator.ValidateAsync(tokens[i], Settings(), []);
            var bad = await validator.ValidateAsync(forged[i], Settings(), []);
            if (!good.Succeeded || good.Claims!["sub"] != $"user-{i}" || bad.Succeeded)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
    }

    [Fact]
    public async Task ValidateAsync_ConcurrentRequestsForOneToken_AllSucceedFromOneEntry()
    {
        var validator = Validator();
        var token = _issuer.Mint("k1", Now);
        Assert.True((await Validate(validator, token)).Succeeded);
        var failed = 0;

        await Parallel.ForAsync(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var missingScope = await validator.ValidateAsync("Bearer " + token, Settings(), ["orders/read"]);
            var valid = await validator.ValidateAsync(token, Settings(), []);
            if (missingScope.Reason != JwtFailureReason.MissingScope || !valid.Succeeded || valid.Claims!["sub"] != "user-1")
            {
                Interlocked.Increment(ref failed);
            }
        });

        Assert.Equal(0, failed);
        Assert.Equal(1, validator.SignatureVerifications);
    }
}
