namespace Tollgate.Gateway.Storage;

/// <summary>
/// One compiled limit of a throttle chain: a bucket's identity and size. Two specs with the same
/// id and limits are equal, so a config reload that leaves a limit unchanged keeps its buckets (and
/// their state); a changed limit gets fresh, full buckets.
/// </summary>
internal sealed class BucketSpec : IEquatable<BucketSpec>
{
    private readonly int _hash;

    public BucketSpec(string id, double rateLimit, int burstLimit, bool perKey)
    {
        Id = id;
        RateLimit = rateLimit;
        BurstLimit = burstLimit;
        PerKey = perKey;
        _hash = HashCode.Combine(id, rateLimit, burstLimit, perKey);
    }

    /// <summary>
    /// The bucket's name, also its counter name in a shared store: <c>account</c>,
    /// <c>stage:{api}/{stage}:{path}/{METHOD}</c>, <c>plan:{planId}</c>,
    /// <c>plan:{planId}:{api}/{stage}:{path}/{METHOD}</c>.
    /// </summary>
    public string Id { get; }

    public double RateLimit { get; }

    public int BurstLimit { get; }

    /// <summary>Whether each API key has its own bucket (usage plan limits) or all callers share one (stage and account limits).</summary>
    public bool PerKey { get; }

    public bool Equals(BucketSpec? other) =>
        ReferenceEquals(this, other) ||
        (other is not null && _hash == other._hash && Id == other.Id && RateLimit.Equals(other.RateLimit) &&
         BurstLimit == other.BurstLimit && PerKey == other.PerKey);

    public override bool Equals(object? obj) => Equals(obj as BucketSpec);

    public override int GetHashCode() => _hash;

    public override string ToString() => $"{Id} ({RateLimit} rps, burst {BurstLimit}{(PerKey ? ", per key" : "")})";
}
