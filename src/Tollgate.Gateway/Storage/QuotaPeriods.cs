using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Storage;

/// <summary>
/// Calendar arithmetic of quota periods, all in UTC. A day starts at midnight, a week on Monday
/// (ISO 8601), a month on the first. AWS documents a quota day as the UTC day and a monthly quota
/// as resetting at the beginning of the month; it documents no week start, and ISO Monday is the
/// international standard week, so that is what Tollgate uses.
/// </summary>
internal static class QuotaPeriods
{
    /// <summary>The UTC day of an instant.</summary>
    public static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    /// <summary>The first day of the period containing <paramref name="day"/>.</summary>
    public static DateOnly Start(QuotaPeriod period, DateOnly day) => period switch
    {
        QuotaPeriod.Day => day,
        QuotaPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        QuotaPeriod.Month => new DateOnly(day.Year, day.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(period)),
    };

    /// <summary>The first day of the next period (the end, exclusive, of the period starting at <paramref name="start"/>).</summary>
    public static DateOnly Next(QuotaPeriod period, DateOnly start) => period switch
    {
        QuotaPeriod.Day => start.AddDays(1),
        QuotaPeriod.Week => start.AddDays(7),
        QuotaPeriod.Month => start.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(period)),
    };

    /// <summary>When the quota next resets after <paramref name="now"/>: midnight UTC starting the next period.</summary>
    public static DateTimeOffset ResetsAt(QuotaPeriod period, DateTimeOffset now) =>
        new(Next(period, Start(period, Day(now))).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// The requests allowed in the period starting at <paramref name="periodStart"/>: the limit,
    /// less the offset in the plan's first period (the period containing <paramref name="planStartDay"/>).
    /// </summary>
    public static long Allowance(QuotaSettings quota, DateOnly periodStart, DateOnly planStartDay) =>
        periodStart == Start(quota.Period, planStartDay)
            ? Math.Max(0L, (long)quota.Limit - quota.Offset)
            : quota.Limit;
}
