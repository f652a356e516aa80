using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Forwarding;

public sealed class BackendLimiterTests
{
    [Fact]
    public void TryEnter_UpToTheCap_ThenRefusedUntilOneExits()
    {
        var limiter = new BackendLimiter(2);
        var target = new Uri("http://10.0.0.1:8080/orders/1");

        Assert.True(limiter.TryEnter(target, out var first));
        Assert.True(limiter.TryEnter(new Uri("http://10.0.0.1:8080/other?x=1"), out var second));
        Assert.Same(first, second);
        Assert.False(limiter.TryEnter(target, out var refused));
        Assert.Same(first, refused);
        Assert.Equal(2, limiter.InFlight(target));

        first.Exit();
        Assert.True(limiter.TryEnter(target, out _));
        Assert.Equal(2, limiter.InFlight(target));
    }

    [Theory]
    [InlineData("http://10.0.0.1:8080/a", "http://10.0.0.1:8081/a")]
    [InlineData("http://10.0.0.1/a", "https://10.0.0.1/a")]
    [InlineData("http://orders.internal/a", "http://billing.internal/a")]
    public void Backends_BySchemeHostAndPort_CountedApart(string one, string other)
    {
        var limiter = new BackendLimiter(1);
        Assert.True(limiter.TryEnter(new Uri(one), out _));
        Assert.True(limiter.TryEnter(new Uri(other), out _));
        Assert.False(limiter.TryEnter(new Uri(one), out _));
    }

    [Theory]
    [InlineData("http://10.0.0.1:8080/a/b?c=d", "http://10.0.0.1:8080")]
    [InlineData("https://api.example.com?q", "https://api.example.com")]
    [InlineData("http://[::1]:9000/x", "http://[::1]:9000")]
    [InlineData("http://host", "http://host")]
    public void Key_SchemeAndAuthority(string target, string key) =>
        Assert.Equal(key, BackendLimiter.Key(new Uri(target)).ToString());

    [Fact]
    public void Refusals_ReportedAtMostOnceASecondWithTheCountSince()
    {
        var time = new FakeTimeProvider();
        var limiter = new BackendLimiter(1);
        var target = new Uri("http://10.0.0.1/");
        Assert.True(limiter.TryEnter(target, out var backend));

        Assert.False(limiter.TryEnter(target, out _));
        Assert.Equal(1, backend.TakeRefusedForReport(time));
        Assert.False(limiter.TryEnter(target, out _));
        Assert.False(limiter.TryEnter(target, out _));
        Assert.Equal(0, backend.TakeRefusedForReport(time));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, backend.TakeRefusedForReport(time));
    }

    [Fact]
    public async Task ConcurrentEnterAndExit_NeverOverTheCap()
    {
        var limiter = new BackendLimiter(8);
        var target = new Uri("http://10.0.0.1/");
        var inside = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (limiter.TryEnter(target, out var backend))
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref most, now);
                    Interlocked.Decrement(ref inside);
                    backend.Exit();
                }
            }
        })));
        Assert.InRange(most, 1, 8);
        Assert.Equal(0, limiter.InFlight(target));
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }
}
