using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Storage;

public sealed class InProcessCounterStoreTests
{
    private static readonly DateTimeOffset Start = new(2024, 2, 28, 23, 59, 0, TimeSpan.Zero);

    private static CompiledPlan Plan(QuotaSettings? quota, DateOnly? startDay = null) =>
        new("p1", "gold", quota, startDay ?? QuotaPeriods.Day(Start), throttle: null, ["k1", "k2"]);

    [Fact]
    public async Task TryTakeAsync_LaterBucketRefuses_RefundsEarlierBuckets()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InProcessCounterStore(time);
        var perKey = new BucketSpec("plan:p1", 100, 10, perKey: true);
        var shared = new BucketSpec("account", 100, 2, perKey: false);
        BucketSpec[] chain = [perKey, shared];

        Assert.Equal(-1, await store.TryTakeAsync(chain, "k1"));
        Assert.Equal(-1, await store.TryTakeAsync(chain, "k2"));
        Assert.Equal(1, await store.TryTakeAsync(chain, "k1"));
        // k1's own bucket got its token back: 9 left, not 8.
        var taken = 0;
        while (await store.TryTakeAsync([perKey], "k1") == -1)
        {
            taken++;
        }
        Assert.Equal(9, taken);
    }

    [Fact]
    public async Task TryTakeAsync_PerKeySpec_GivesEachKeyItsOwnBucket()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InProcessCounterStore(time);
        BucketSpec[] chain = [new BucketSpec("plan:p1", 1, 1, perKey: true)];
        Assert.Equal(-1, await store.TryTakeAsync(chain, "k1"));
        Assert.Equal(0, await store.TryTakeAsync(chain, "k1"));
        Assert.Equal(-1, await store.TryTakeAsync(chain, "k2"));
    }

    [Fact]
    public async Task Sweep_FullIdleBuckets_AreDroppedAndRecreatedFull()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InProcessCounterStore(time);
        var spec = new BucketSpec("plan:p1", 10, 2, perKey: true);
        for (var i = 0; i < 100_000; i++)
        {
            await store.TryTakeAsync([spec], "key-" + i);
        }
        Assert.Equal(100_000, store.BucketCount);
        store.Sweep();
        Assert.Equal(100_000, store.BucketCount); // each still one token short
        time.Advance(TimeSpan.FromSeconds(1));
        store.Sweep();
        Assert.Equal(0, store.BucketCount);
        Assert.Equal(-1, await store.TryTakeAsync([spec], "key-1"));
        Assert.Equal(-1, await store.TryTakeAsync([spec], "key-1"));
        Assert.Equal(0, await store.TryTakeAsync([spec], "key-1"));
    }

    [Fact]
    public async Task TryConsumeAsync_DailyQuota_RefusesOverLimitAndResetsAtMidnightUtc()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InProcessCounterStore(time);
        var plan = Plan(new QuotaSettings { Limit = 2, Period = QuotaPeriod.Day });
        Assert.Equal(new QuotaOutcome(true, 1), await store.TryConsumeAsync(plan, "k1"));
        Assert.Equal(new QuotaOutcome(true, 0), await store.TryConsumeAsync(plan, "k1"));
        Assert.Equal(new QuotaOutcome(false, 0), await store.TryConsumeAsync(plan, "k1"));
        Assert.True((await store.TryConsumeAsync(plan, "k2")).Allowed);
        time.Advance(TimeSpan.FromMinutes(1)); // 2024-02-29 00:00 UTC
        Assert.Equal(new QuotaOutcome(true, 1), await store.TryConsumeAsync(plan, "k1"));
    }

    [Fact]
    public async Task TryConsumeAsync_NoQuota_CountsWithoutLimit()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InProcessCounterStore(time);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(new QuotaOutcome(true, null), await store.TryConsumeAsync(Plan(null), "k1"));
        }
    }

    [Fact]
    public async Task Dispose_PendingCounts_AreFlushedPerUtcDay()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var durable = new SqliteUsageStore(dir.File("u.db"));
        var plan = Plan(null);
        using (var store = new InProcessCounterStore(time, durable, flushInterval: TimeSpan.FromHours(1)))
        {
            await store.TryConsumeAsync(plan, "k1");
            await store.TryConsumeAsync(plan, "k1");
            time.Advance(TimeSpan.FromMinutes(2)); // past midnight, before any flush
            await store.TryConsumeAsync(plan, "k1");
            Assert.Empty(durable.Read("p1", new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), null));
        }
        Assert.Equal(
            [new DailyUsage("k1", "p1", new DateOnly(2024, 2, 28), 2), new DailyUsage("k1", "p1", new DateOnly(2024, 2, 29), 1)],
            durable.Read("p1", new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), null));
    }

    [Fact]
    public async Task Timer_EverySecond_FlushesOnlyNewCounts()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var durable = new SqliteUsageStore(dir.File("u.db"));
        using var store = new InProcessCounterStore(time, durable);
        var plan = Plan(null);
        await store.TryConsumeAsync(plan, "k1");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, durable.SumUsed("p1", "k1", new DateOnly(2024, 2, 28), new DateOnly(2024, 2, 28)));
        await store.TryConsumeAsync(plan, "k1");
        await store.TryConsumeAsync(plan, "k1");
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, durable.SumUsed("p1", "k1", new DateOnly(2024, 2, 28), new DateOnly(2024, 2, 28)));
        Assert.Null(store.LastFlushError);
    }

    [Fact]
    public async Task TryConsumeAsync_AfterRestart_RestoresTheMonthsUsage()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 2, 10, 12, 0, 0, TimeSpan.Zero));
        var plan = Plan(new QuotaSettings { Limit = 5, Period = QuotaPeriod.Month }, new DateOnly(2024, 1, 1));
        using (var durable = new SqliteUsageStore(dir.File("u.db")))
        using (var store = new InProcessCounterStore(time, durable))
        {
            for (var i = 0; i < 3; i++)
            {
                await store.TryConsumeAsync(plan, "k1");
            }
            time.Advance(TimeSpan.FromDays(5));
            await store.TryConsumeAsync(plan, "k1");
        }
        using (var durable = new SqliteUsageStore(dir.File("u.db")))
        using (var store = new InProcessCounterStore(time, durable))
        {
            Assert.Equal(new QuotaOutcome(true, 0), await store.TryConsumeAsync(plan, "k1"));
            Assert.False((await store.TryConsumeAsync(plan, "k1")).Allowed);
            time.Advance(TimeSpan.FromDays(15)); // 2024-03-01
            Assert.Equal(new QuotaOutcome(true, 4), await store.TryConsumeAsync(plan, "k1"));
        }
    }

    [Fact]
    public async Task Sweep_CounterOfFinishedPeriod_IsDroppedAfterItsCountsAreWritten()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var durable = new SqliteUsageStore(dir.File("u.db"));
        using var store = new InProcessCounterStore(time, durable, flushInterval: TimeSpan.FromHours(1));
        var plan = Plan(new QuotaSettings { Limit = 10, Period = QuotaPeriod.Day });
        await store.TryConsumeAsync(plan, "k1");
        time.Advance(TimeSpan.FromMinutes(5));
        store.Sweep();
        Assert.Equal(1, store.QuotaCounterCount); // its count is not written yet
        await store.FlushAsync();
        store.Sweep();
        Assert.Equal(0, store.QuotaCounterCount);
    }

    [Fact]
    public async Task TryConsumeAsync_FirstPeriodWithOffset_AllowsLimitLessOffset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 2, 26, 0, 0, 0, TimeSpan.Zero)); // Monday
        using var store = new InProcessCounterStore(time);
        var plan = Plan(new QuotaSettings { Limit = 3, Period = QuotaPeriod.Week, Offset = 2 }, new DateOnly(2024, 2, 28));
        Assert.Equal(new QuotaOutcome(true, 0), await store.TryConsumeAsync(plan, "k1"));
        Assert.False((await store.TryConsumeAsync(plan, "k1")).Allowed);
        time.Advance(TimeSpan.FromDays(6.9)); // Sunday 2024-03-03, same ISO week
        Assert.False((await store.TryConsumeAsync(plan, "k1")).Allowed);
        time.Advance(TimeSpan.FromDays(0.1)); // Monday 2024-03-04
        Assert.Equal(new QuotaOutcome(true, 2), await store.TryConsumeAsync(plan, "k1"));
    }
}
