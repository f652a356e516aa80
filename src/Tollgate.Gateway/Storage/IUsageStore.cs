namespace Tollgate.Gateway.Storage;

/// <summary>Requests of one key under one plan on one UTC day.</summary>
internal readonly record struct DailyUsage(string KeyId, string PlanId, DateOnly Day, long Used);

/// <summary>
/// The durable log of usage per key, plan and day (what <c>GetUsage</c> reads and what quotas are
/// restored from after a restart), and the day each plan was first served.
/// Calls are synchronous: the embedded implementation is a local SQLite file.
/// </summary>
internal interface IUsageStore
{
    /// <summary>The day the plan was first served, recording <paramref name="today"/> if it never was.</summary>
    DateOnly GetOrAddPlanStart(string planId, DateOnly today);

    /// <summary>The day the plan was first served; null if it never was (reading usage records nothing).</summary>
    DateOnly? FindPlanStart(string planId);

    /// <summary>Requests of a key under a plan from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    long SumUsed(string planId, string keyId, DateOnly from, DateOnly to);

    /// <summary>Adds the counts to the stored ones (one transaction).</summary>
    void Add(IReadOnlyList<DailyUsage> counts);

    /// <summary>The stored counts of a plan over a range of days (both included), optionally of one key.</summary>
    IReadOnlyList<DailyUsage> Read(string planId, DateOnly from, DateOnly to, string? keyId);
}
