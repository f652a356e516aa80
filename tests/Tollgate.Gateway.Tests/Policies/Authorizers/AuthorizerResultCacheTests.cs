using System.Text;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Policies.Authorizers.Lambda;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class AuthorizerResultCacheTests
{
    private static AuthorizerDecision Decision(string principal = "p") => new(
        IamPolicy.Parse("""{"Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}}"""),
        new AuthorizerValues(principal, AuthorizerValues.NoContext, null, []),
        null);

    [Fact]
    public void TryGet_WithinTtl_Hit_AfterTtl_Miss()
    {
        var clock = new FakeTimeProvider();
        var cache = new AuthorizerResultCache(clock);
        var key = new AuthorizerCacheKey("api\nauth", "token-1");
        var decision = Decision();

        cache.Set(key, decision, TimeSpan.FromSeconds(300));
        clock.Advance(TimeSpan.FromSeconds(299));
        Assert.True(cache.TryGet(key, out var hit));
        Assert.Same(decision, hit);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(key, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryGet_OtherScopeOrIdentity_Miss()
    {
        var cache = new AuthorizerResultCache(new FakeTimeProvider());
        cache.Set(new AuthorizerCacheKey("api\nauth", "token-1"), Decision(), TimeSpan.FromMinutes(5));

        Assert.False(cache.TryGet(new AuthorizerCacheKey("api\nother", "token-1"), out _));
        Assert.False(cache.TryGet(new AuthorizerCacheKey("api\nauth", "token-2"), out _));
        // Keys compare by value: an equal string built elsewhere hits.
        Assert.True(cache.TryGet(new AuthorizerCacheKey(new StringBuilder("api\n").Append("auth").ToString(), "token-1"), out _));
    }

    [Fact]
    public void Set_SameKeyAgain_ReplacesAndCountsOnce()
    {
        var cache = new AuthorizerResultCache(new FakeTimeProvider());
        var key = new AuthorizerCacheKey("s", "i");
        cache.Set(key, Decision("a"), TimeSpan.FromMinutes(1));
        cache.Set(key, Decision("b"), TimeSpan.FromMinutes(1));

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(key, out var decision));
        Assert.Equal("b", decision.Values.PrincipalId);
    }

    [Fact]
    public void Set_PastMaxEntries_SweepsExpiredFirst()
    {
        var clock = new FakeTimeProvider();
        var cache = new AuthorizerResultCache(clock);
        var decision = Decision();
        for (var i = 0; i < AuthorizerResultCache.MaxEntries; i++)
        {
            cache.Set(new AuthorizerCacheKey("s", "old" + i), decision, TimeSpan.FromSeconds(10));
        }
        clock.Advance(TimeSpan.FromSeconds(11));
        var fresh = new AuthorizerCacheKey("s", "fresh");

        cache.Set(fresh, decision, TimeSpan.FromSeconds(10));

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(fresh, out _));
    }
}
