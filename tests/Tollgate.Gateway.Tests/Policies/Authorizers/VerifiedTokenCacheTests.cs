using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Tollgate.Gateway.Policies.Authorizers.Jwt;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>The cache's own rules: bound, eviction, expiry and exact matching (entries made up, no signatures).</summary>
public sealed class VerifiedTokenCacheTests : IDisposable
{
    private const long Now = 1_768_478_400;

    private readonly JwtSigningKey _key;

    public VerifiedTokenCacheTests()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ec.ExportParameters(false).Q;
        var jwks = $$"""{"keys":[{"kty":"EC","kid":"k1","crv":"P-256","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}]}""";
        _key = JwtSigningKey.ParseJwks(Encoding.UTF8.GetBytes(jwks)).Single();
    }

    public void Dispose() => _key.Dispose();

    private VerifiedToken Entry(string token, long exp = Now + 3600) =>
        new(token, "ES256", "https://issuer.test", "k1", _key, exp, JwtValidationResult.Success(default, []));

    /// <summary>Shaped like an ES256 token: an 86-character signature, longer than the hashed tail.</summary>
    private static string Token(int i) => $"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.{new string('s', 78)}{i:D8}";

    [Theory]
    [InlineData(10_000, 10_000)]
    [InlineData(10, 12)]
    [InlineData(1, 4)]
    [InlineData(0, 0)]
    public void Capacity_Requested_RoundedUpToSetsOfFour(int requested, int capacity)
    {
        Assert.Equal(capacity, new VerifiedTokenCache(requested).Capacity);
    }

    [Fact]
    public void Add_FiftyThousandDistinctTokens_NeverMoreThanCapacity()
    {
        var cache = new VerifiedTokenCache();

        for (var i = 0; i < 50_000; i++)
        {
            cache.Add(Entry(Token(i)), Now);
        }

        Assert.Equal(VerifiedTokenCache.DefaultCapacity, cache.Capacity);
        Assert.InRange(cache.Count, VerifiedTokenCache.DefaultCapacity * 9 / 10, VerifiedTokenCache.DefaultCapacity);
        Assert.NotNull(cache.Find(Token(49_999), Now));
    }

    [Fact]
    public void Find_SameToken_TheEntry()
    {
        var cache = new VerifiedTokenCache();
        var entry = Entry(Token(1));
        cache.Add(entry, Now);

        Assert.Same(entry, cache.Find(new string(Token(1).AsSpan()), Now));
    }

    [Fact]
    public void Find_TokenWithTheSameHashDifferingEarlier_Null()
    {
        var cache = new VerifiedTokenCache();
        var token = Token(1);
        var other = "X" + token[1..];
        cache.Add(Entry(token), Now);

        Assert.Equal(VerifiedTokenCache.Hash(token), VerifiedTokenCache.Hash(other));
        Assert.Null(cache.Find(other, Now));
        Assert.Null(cache.Find(token.AsSpan(0, token.Length - 1), Now));
        Assert.Null(cache.Find(token + "A", Now));
    }

    [Fact]
    public void Find_AtExp_NullAndEntryDropped()
    {
        var cache = new VerifiedTokenCache();
        cache.Add(Entry(Token(1), exp: Now + 60), Now);

        Assert.NotNull(cache.Find(Token(1), Now + 59));
        Assert.Null(cache.Find(Token(1), Now + 60));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Add_AlreadyExpired_NotStored()
    {
        var cache = new VerifiedTokenCache();

        cache.Add(Entry(Token(1), exp: Now), Now);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Add_TokenLongerThanMaximum_NotStored()
    {
        var cache = new VerifiedTokenCache();
        var token = Token(1) + new string('A', VerifiedTokenCache.MaxTokenLength);

        Assert.False(cache.Accepts(token));
        cache.Add(Entry(token), Now);

        Assert.Equal(0, cache.Count);
        Assert.Null(cache.Find(token, Now));
    }

    [Fact]
    public void Add_CapacityZero_NothingStored()
    {
        var cache = new VerifiedTokenCache(0);

        cache.Add(Entry(Token(1)), Now);

        Assert.False(cache.Accepts(Token(1)));
        Assert.Null(cache.Find(Token(1), Now));
    }

    [Fact]
    public void Add_SameTokenAgain_ReplacesItsEntry()
    {
        var cache = new VerifiedTokenCache(4);
        var newer = Entry(Token(1));

        cache.Add(Entry(Token(1)), Now);
        cache.Add(newer, Now);

        Assert.Equal(1, cache.Count);
        Assert.Same(newer, cache.Find(Token(1), Now));
    }

    [Fact]
    public void Add_SameTokenAfterAnEarlierSlotEmptied_ReplacesItsEntryNotHeldTwice()
    {
        var cache = new VerifiedTokenCache(4);
        cache.Add(Entry(Token(0), exp: Now + 10), Now);
        cache.Add(Entry(Token(1)), Now);
        Assert.Null(cache.Find(Token(0), Now + 10));
        var newer = Entry(Token(1));

        cache.Add(newer, Now + 10);

        Assert.Equal(1, cache.Count);
        Assert.Same(newer, cache.Find(Token(1), Now + 10));
    }

    [Fact]
    public void Add_FullSet_EvictsAnEntryNotHitOverOneThatWas()
    {
        // Capacity 4 is one set: every token competes for the same four slots.
        var cache = new VerifiedTokenCache(4);
        for (var i = 0; i < 4; i++)
        {
            cache.Add(Entry(Token(i)), Now);
        }
        Assert.NotNull(cache.Find(Token(0), Now));

        cache.Add(Entry(Token(4)), Now);

        Assert.NotNull(cache.Find(Token(0), Now));
        Assert.Null(cache.Find(Token(1), Now));
        Assert.NotNull(cache.Find(Token(4), Now));
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void Add_FullSetAllHit_EvictsTheEntryThatExpiresFirst()
    {
        var cache = new VerifiedTokenCache(4);
        long[] exps = [Now + 400, Now + 100, Now + 300, Now + 200];
        for (var i = 0; i < 4; i++)
        {
            cache.Add(Entry(Token(i), exps[i]), Now);
            Assert.NotNull(cache.Find(Token(i), Now));
        }

        cache.Add(Entry(Token(4)), Now);

        Assert.Null(cache.Find(Token(1), Now));
        Assert.NotNull(cache.Find(Token(0), Now));
        Assert.NotNull(cache.Find(Token(2), Now));
        Assert.NotNull(cache.Find(Token(3), Now));
    }

    [Fact]
    public void Add_FullSetWithAnExpiredEntry_TakesItsSlot()
    {
        var cache = new VerifiedTokenCache(4);
        for (var i = 0; i < 4; i++)
        {
            cache.Add(Entry(Token(i), exp: i == 2 ? Now + 10 : Now + 3600), Now);
            Assert.NotNull(cache.Find(Token(i), Now));
        }

        cache.Add(Entry(Token(4)), Now + 10);

        Assert.Null(cache.Find(Token(2), Now));
        Assert.NotNull(cache.Find(Token(0), Now + 10));
        Assert.NotNull(cache.Find(Token(1), Now + 10));
        Assert.NotNull(cache.Find(Token(3), Now + 10));
        Assert.NotNull(cache.Find(Token(4), Now + 10));
    }

    [Fact]
    public void FindAndAdd_ManyThreads_NeverAWrongEntry()
    {
        var cache = new VerifiedTokenCache(16);
        var entries = Enumerable.Range(0, 64).Select(i => Entry(Token(i))).ToArray();
        var wrong = 0;

        Parallel.For(0, 200_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var e = entries[n % entries.Length];
            if (n % 3 == 0)
            {
                cache.Add(e, Now);
            }
            else if (cache.Find(e.Token, Now) is { } found && !ReferenceEquals(found, e))
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
        Assert.InRange(cache.Count, 1, 16);
    }
}
