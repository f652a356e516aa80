
namespace Tollgate.Gateway.Storage;

/// <summary>The outcome of counting one request against a plan's quota.</summary>
/// <param name="Allowed">False: the quota of the current period is used up (<c>QUOTA_EXCEEDED</c>).</param>
/// <param name="Remaining">Requests left in the period after this one; null when the plan has no quota.</param>
internal readonly record struct QuotaOutcome(bool Allowed, long? Remaining);

/// <summary>
/// Where throttle buckets and quota counters live. The policies compile limits into
/// <see cref="BucketSpec"/> chains and <see cref="CompiledPlan"/>s and call only this interface,
/// so a store shared by several gateway nodes (Redis: one Lua script per call, taking a chain's
/// buckets atomically, and INCR on per-period counters) can replace the in-process one without
/// touching them. Calls that complete synchronously return completed value tasks and allocate nothing.
/// </summary>
internal interface ICounterStore : IDisposable
{
    /// <summary>
    /// Takes one token from every bucket of <paramref name="chain"/>, in order, all or nothing:
    /// when a bucket refuses, tokens already taken from the buckets before it are given back.
    /// </summary>
    /// <param name="chain">The compiled chain, most specific limit first.</param>
    /// <param name="keyId">The API key id, naming the bucket of per-key specs; null when the chain has none.</param>
    /// <returns>-1 when every bucket gave a token; otherwise the index of the bucket that refused.</returns>
    ValueTask<int> TryTakeAsync(BucketSpec[] chain, string? keyId);

    /// <summary>Gives back one token to every bucket of a chain taken by <see cref="TryTakeAsync"/>.</summary>
    ValueTask RefundAsync(BucketSpec[] chain, string? keyId);

    /// <summary>Counts one request of <paramref name="keyId"/> against the plan's quota and daily usage, unless the quota is used up.</summary>
    ValueTask<QuotaOutcome> TryConsumeAsync(CompiledPlan plan, string keyId);

    /// <summary>Writes counts not yet durable to the usage store.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
