using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// A usage plan: who (API keys) may call what (API stages), how fast (throttle) and how much
/// (quota). A key may belong to several plans, but to at most one plan per API stage (as in AWS).
/// Plans apply only to methods that require an API key.
/// </summary>
public sealed record UsagePlan
{
    private readonly string? _id;

    /// <summary>The plan's name, unique in the config.</summary>
    public required string Name { get; init; }

    /// <summary>The plan id, as used in usage records and <c>GetUsage</c>. Default: derived from <see cref="Name"/> like <see cref="ApiKey.Id"/>.</summary>
    public string Id
    {
        get => _id ?? ApiKey.DeriveId(Name);
        init => _id = value;
    }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The API stages the plan covers, with optional per-method throttles.</summary>
    public ImmutableArray<UsagePlanApiStage> ApiStages { get; init; } = [];

    /// <summary>The per-key throttle: each key of the plan gets its own bucket with these limits, shared across the plan's stages. Null: none.</summary>
    public ThrottleSettings? Throttle { get; init; }

    /// <summary>The per-key quota, counted across the plan's stages. Null: none.</summary>
    public QuotaSettings? Quota { get; init; }

    /// <summary>The names of the API keys in the plan.</summary>
    public ImmutableArray<string> ApiKeys { get; init; } = [];

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(UsagePlan? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>One API stage of a usage plan.</summary>
public sealed record UsagePlanApiStage
{
    /// <summary>The API id.</summary>
    public required string ApiId { get; init; }

    /// <summary>The stage name.</summary>
    public required string Stage { get; init; }

    /// <summary>
    /// Per-method throttles, per key, keyed <c>/resource/METHOD</c> (for example
    /// <c>/orders/{orderId}/GET</c>; the root resource is <c>//GET</c>). The method is the one
    /// defined on the resource, so a resource with <c>ANY</c> is keyed <c>/resource/ANY</c>.
    /// </summary>
    public ImmutableDictionary<string, ThrottleSettings> Throttle { get; init; } =
        ImmutableDictionary<string, ThrottleSettings>.Empty;

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(UsagePlanApiStage? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>Token bucket limits: <see cref="RateLimit"/> tokens a second refill a bucket of <see cref="BurstLimit"/>; each request takes one.</summary>
public sealed record ThrottleSettings
{
    /// <summary>AWS's default account limits: 10,000 requests a second, burst 5,000.</summary>
    public static ThrottleSettings AccountDefault { get; } = new() { RateLimit = 10_000, BurstLimit = 5_000 };

    /// <summary>The steady rate in requests a second; fractions allowed (0.5: one every 2 s). At least 0.</summary>
    public double RateLimit { get; init; }

    /// <summary>The bucket size: the most requests admitted at once. At least 0; 0 refuses every request.</summary>
    public int BurstLimit { get; init; }
}

/// <summary>The period of a quota. Periods are calendar periods in UTC.</summary>
public enum QuotaPeriod
{
    /// <summary>A UTC day, from midnight.</summary>
    Day,

    /// <summary>An ISO week: Monday 00:00 UTC to the next Monday.</summary>
    Week,

    /// <summary>A calendar month, from the first at 00:00 UTC.</summary>
    Month,
}

/// <summary>A quota: at most <see cref="Limit"/> requests per key per <see cref="Period"/>; over it, 429 <c>QUOTA_EXCEEDED</c>.</summary>
public sealed record QuotaSettings
{
    /// <summary>Requests allowed per period, per key. At least 0.</summary>
    public int Limit { get; init; }

    /// <summary>The period. Default <see cref="QuotaPeriod.Month"/>.</summary>
    public QuotaPeriod Period { get; init; } = QuotaPeriod.Month;

    /// <summary>
    /// Requests taken as already used in the first period (the one in which the plan was first
    /// served), for a plan that starts in the middle of a period. At least 0, below <see cref="Limit"/>. Default 0.
    /// </summary>
    public int Offset { get; init; }
}
