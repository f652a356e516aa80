using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    private TokenBucket NewBucket(double rate, int burst) =>
        new(rate, burst, _time.GetTimestamp(), _time.TimestampFrequency);

    private int Drain(TokenBucket bucket, int attempts = 100_000)
    {
        var taken = 0;
        for (var i = 0; i < attempts; i++)
        {
            if (bucket.TryTake(_time.GetTimestamp()) == TakeResult.Taken)
            {
                taken++;
            }
        }
        return taken;
    }

    [Fact]
    public void TryTake_NewBucket_AdmitsExactlyBurst()
    {
        var bucket = NewBucket(10, 25);
        Assert.Equal(25, Drain(bucket));
    }

    [Fact]
    public void TryTake_AfterOneSecond_AdmitsRateMore()
    {
        var bucket = NewBucket(10, 25);
        Drain(bucket);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Drain(bucket));
        _time.Advance(TimeSpan.FromMilliseconds(350));
        Assert.Equal(3, Drain(bucket));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, Drain(bucket));
    }

    [Fact]
    public void TryTake_LongIdle_RefillsOnlyToBurst()
    {
        var bucket = NewBucket(100, 5);
        Drain(bucket);
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(5, Drain(bucket));
    }

    [Fact]
    public void TryTake_HalfRequestPerSecond_AdmitsOneEveryTwoSeconds()
    {
        var bucket = NewBucket(0.5, 1);
        Assert.Equal(1, Drain(bucket));
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, Drain(bucket));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Drain(bucket));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, Drain(bucket));
    }

    [Fact]
    public void TryTake_TenthRequestPerSecond_AdmitsAfterTenSeconds()
    {
        var bucket = NewBucket(0.1, 2);
        Assert.Equal(2, Drain(bucket));
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(0, Drain(bucket));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, Drain(bucket));
    }

    [Fact]
    public void TryTake_ThirdsOfASecondOverLongRun_AdmitsRateTimesElapsed()
    {
        // Burst 2 so that the cap never cuts the 0.3 tokens left over between steps.
        var bucket = NewBucket(3, 2);
        Drain(bucket);
        var total = 0;
        for (var i = 0; i < 3_000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            total += Drain(bucket, 3);
        }
        Assert.Equal(900, total);
    }

    [Fact]
    public void TryTake_ZeroBurst_RefusesEverything()
    {
        var bucket = NewBucket(1000, 0);
        Assert.Equal(0, Drain(bucket));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, Drain(bucket));
    }

    [Fact]
    public void TryTake_ZeroRate_AdmitsBurstOnceThenNothing()
    {
        var bucket = NewBucket(0, 3);
        Assert.Equal(3, Drain(bucket));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, Drain(bucket));
    }

    [Fact]
    public void TryTake_ManyParallelCallersFrozenClock_AdmitsExactlyBurstThenExactlyRefill()
    {
        var bucket = NewBucket(100, 5_000);
        Assert.Equal(5_000, DrainInParallel(bucket));

        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(150, DrainInParallel(bucket));
        Assert.Equal(0, bucket.Available(_time.GetTimestamp()));
    }

    private int DrainInParallel(TokenBucket bucket)
    {
        var now = _time.GetTimestamp();
        var taken = 0;
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var mine = 0;
            for (var i = 0; i < 20_000; i++)
            {
                if (bucket.TryTake(now) == TakeResult.Taken)
                {
                    mine++;
                }
            }
            Interlocked.Add(ref taken, mine);
        })).ToArray();
        start.Set();
        Task.WaitAll(tasks);
        return taken;
    }

    [Fact]
    public void Refund_AfterTake_GivesTheTokenBack()
    {
        var bucket = NewBucket(1, 2);
        Assert.Equal(TakeResult.Taken, bucket.TryTake(_time.GetTimestamp()));
        Assert.Equal(TakeResult.Taken, bucket.TryTake(_time.GetTimestamp()));
        Assert.Equal(TakeResult.Refused, bucket.TryTake(_time.GetTimestamp()));
        bucket.Refund();
        Assert.Equal(TakeResult.Taken, bucket.TryTake(_time.GetTimestamp()));
        Assert.Equal(TakeResult.Refused, bucket.TryTake(_time.GetTimestamp()));
    }

    [Fact]
    public void TryRetireIfFull_PartlyDrainedBucket_StaysUntilRefilled()
    {
        var bucket = NewBucket(1, 2);
        bucket.TryTake(_time.GetTimestamp());
        Assert.False(bucket.TryRetireIfFull(_time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryRetireIfFull(_time.GetTimestamp()));
        Assert.Equal(TakeResult.Retired, bucket.TryTake(_time.GetTimestamp()));
    }
}
