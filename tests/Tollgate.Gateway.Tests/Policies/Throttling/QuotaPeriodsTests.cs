using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

public sealed class QuotaPeriodsTests
{
    [Theory]
    [InlineData(QuotaPeriod.Day, "2024-02-28", "2024-02-28", "2024-02-29")]
    [InlineData(QuotaPeriod.Day, "2024-02-29", "2024-02-29", "2024-03-01")]
    [InlineData(QuotaPeriod.Day, "2023-02-28", "2023-02-28", "2023-03-01")]
    [InlineData(QuotaPeriod.Day, "2025-12-31", "2025-12-31", "2026-01-01")]
    [InlineData(QuotaPeriod.Week, "2024-02-26", "2024-02-26", "2024-03-04")] // Monday starts its own week
    [InlineData(QuotaPeriod.Week, "2024-02-29", "2024-02-26", "2024-03-04")] // leap day, Thursday
    [InlineData(QuotaPeriod.Week, "2024-03-03", "2024-02-26", "2024-03-04")] // Sunday ends the week
    [InlineData(QuotaPeriod.Week, "2026-01-01", "2025-12-29", "2026-01-05")] // week across the year end
    [InlineData(QuotaPeriod.Week, "2027-01-03", "2026-12-28", "2027-01-04")]
    [InlineData(QuotaPeriod.Month, "2024-02-29", "2024-02-01", "2024-03-01")]
    [InlineData(QuotaPeriod.Month, "2023-02-28", "2023-02-01", "2023-03-01")]
    [InlineData(QuotaPeriod.Month, "2100-02-28", "2100-02-01", "2100-03-01")] // 2100 is not a leap year
    [InlineData(QuotaPeriod.Month, "2025-01-31", "2025-01-01", "2025-02-01")]
    [InlineData(QuotaPeriod.Month, "2025-04-30", "2025-04-01", "2025-05-01")]
    [InlineData(QuotaPeriod.Month, "2025-12-31", "2025-12-01", "2026-01-01")]
    [InlineData(QuotaPeriod.Month, "2026-01-01", "2026-01-01", "2026-02-01")]
    public void StartAndNext_Day_GiveTheCalendarPeriod(QuotaPeriod period, string day, string start, string next)
    {
        var s = QuotaPeriods.Start(period, DateOnly.Parse(day));
        Assert.Equal(DateOnly.Parse(start), s);
        Assert.Equal(DateOnly.Parse(next), QuotaPeriods.Next(period, s));
    }

    [Fact]
    public void Day_InstantWithOffset_UsesTheUtcDay()
    {
        Assert.Equal(new DateOnly(2023, 12, 31), QuotaPeriods.Day(DateTimeOffset.Parse("2024-01-01T01:30:00+02:00")));
        Assert.Equal(new DateOnly(2023, 12, 31), QuotaPeriods.Day(new DateTimeOffset(2023, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999)));
        Assert.Equal(new DateOnly(2024, 1, 1), QuotaPeriods.Day(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ResetsAt_LeapDayMonthlyQuota_IsFirstOfMarchMidnightUtc()
    {
        var now = new DateTimeOffset(2024, 2, 29, 23, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.ResetsAt(QuotaPeriod.Month, now));
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.ResetsAt(QuotaPeriod.Week, now));
    }

    [Fact]
    public void Allowance_FirstPeriod_SubtractsOffsetOnlyThere()
    {
        var quota = new QuotaSettings { Limit = 100, Period = QuotaPeriod.Month, Offset = 40 };
        var planStart = new DateOnly(2024, 2, 17);
        Assert.Equal(60, QuotaPeriods.Allowance(quota, new DateOnly(2024, 2, 1), planStart));
        Assert.Equal(100, QuotaPeriods.Allowance(quota, new DateOnly(2024, 3, 1), planStart));
    }
}
