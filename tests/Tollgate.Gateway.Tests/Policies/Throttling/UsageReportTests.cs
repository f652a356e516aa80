using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Tests.Storage;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

public sealed class UsageReportTests
{
    private static readonly string KeyA = ApiKey.DeriveId("tenant-a");
    private static readonly string KeyDisabled = ApiKey.DeriveId("disabled");

    [Fact]
    public async Task GetUsageJsonAsync_MonthlyQuotaOverLeapDayAndMonthEnd_DailyUsedAndRemaining()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 2, 28, 10, 0, 0, TimeSpan.Zero));
        using var durable = new SqliteUsageStore(dir.File("u.db"));
        var config = NewConfig(quota: new QuotaSettings { Limit = 10, Period = QuotaPeriod.Month, Offset = 0 });
        var snapshot = UsageCompiler.Compile(config, id => durable.GetOrAddPlanStart(id, QuotaPeriods.Day(time.GetUtcNow())), new DiagnosticBag());
        using var counters = new InProcessCounterStore(time, durable);
        var stage = snapshot.FindStage("orders", "live")!;
        var a = snapshot.Keys.Check(stage, TenantA);
        var b = snapshot.Keys.Check(stage, TenantB);

        durable.Add([new DailyUsage(KeyA, "gold1", new DateOnly(2024, 2, 27), 4)]); // before the range, same month
        for (var i = 0; i < 3; i++)
        {
            await counters.TryConsumeAsync(a.Plan!.Plan, a.Key!.Id);          // 2024-02-28
        }
        time.Advance(TimeSpan.FromDays(1));
        await counters.TryConsumeAsync(a.Plan!.Plan, a.Key!.Id);              // 2024-02-29
        await counters.TryConsumeAsync(b.Plan!.Plan, b.Key!.Id);
        time.Advance(TimeSpan.FromDays(1));
        await counters.TryConsumeAsync(a.Plan!.Plan, a.Key!.Id);              // 2024-03-01, new month

        var json = await UsageReport.GetUsageJsonAsync(snapshot, counters, durable, "gold1",
            new DateOnly(2024, 2, 28), new DateOnly(2024, 3, 2));

        // Plan first served on 2024-02-28 with offset 0: February allows 10, of which 4 were used on the 27th.
        Assert.Equal(
            "{\"usagePlanId\":\"gold1\",\"startDate\":\"2024-02-28\",\"endDate\":\"2024-03-02\",\"items\":{" +
            $"\"{KeyA}\":[[3,3],[1,2],[1,9],[0,9]]," +
            "\"bbbbbbbbbb\":[[0,10],[1,9],[0,10],[0,10]]," +
            $"\"{KeyDisabled}\":[[0,10],[0,10],[0,10],[0,10]]" +
            "}}",
            json);
    }

    [Fact]
    public async Task GetUsageJsonAsync_KeyFilterAndOffsetInFirstWeek_OnlyThatKey()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 12, 31, 10, 0, 0, TimeSpan.Zero)); // Wednesday
        using var durable = new SqliteUsageStore(dir.File("u.db"));
        var config = NewConfig(quota: new QuotaSettings { Limit = 100, Period = QuotaPeriod.Week, Offset = 30 });
        var snapshot = UsageCompiler.Compile(config, _ => new DateOnly(2025, 12, 30), new DiagnosticBag());
        using var counters = new InProcessCounterStore(time, durable);
        var a = snapshot.Keys.Check(snapshot.FindStage("orders", "live")!, TenantA);
        await counters.TryConsumeAsync(a.Plan!.Plan, a.Key!.Id);

        var json = await UsageReport.GetUsageJsonAsync(snapshot, counters, durable, "gold1",
            new DateOnly(2026, 1, 3), new DateOnly(2026, 1, 5), keyId: KeyA);

        // The week of 2025-12-29 is the plan's first: 100 - 30 offset - 1 used; Monday 2026-01-05 starts a full week.
        Assert.Equal(
            "{\"usagePlanId\":\"gold1\",\"startDate\":\"2026-01-03\",\"endDate\":\"2026-01-05\",\"items\":{" +
            $"\"{KeyA}\":[[0,69],[0,69],[0,100]]" + "}}",
            json);
    }

    [Fact]
    public async Task GetUsageJsonAsync_UnknownPlanOrReversedDates_NullOrThrows()
    {
        using var dir = new TempDirectory();
        using var durable = new SqliteUsageStore(dir.File("u.db"));
        using var counters = new InProcessCounterStore(new FakeTimeProvider(), durable);
        var snapshot = Compile(NewConfig());
        Assert.Null(await UsageReport.GetUsageJsonAsync(snapshot, counters, durable, "nope", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2)));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            UsageReport.GetUsageJsonAsync(snapshot, counters, durable, "gold1", new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 1)));
    }
}
