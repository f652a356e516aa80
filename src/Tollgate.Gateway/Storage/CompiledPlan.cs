using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Storage;

/// <summary>A usage plan as served: ids resolved, quota and per-key throttle ready.</summary>
internal sealed class CompiledPlan
{
    public CompiledPlan(string id, string name, QuotaSettings? quota, DateOnly startDay, BucketSpec? throttle,
        ImmutableArray<string> keyIds)
    {
        Id = id;
        Name = name;
        Quota = quota;
        StartDay = startDay;
        Throttle = throttle;
        KeyIds = keyIds;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The quota; null: requests are counted but not limited.</summary>
    public QuotaSettings? Quota { get; }

    /// <summary>The day the plan was first served; the quota offset applies to the period containing it.</summary>
    public DateOnly StartDay { get; }

    /// <summary>The per-key plan throttle; null: none.</summary>
    public BucketSpec? Throttle { get; }

    /// <summary>Ids of the plan's keys, in config order.</summary>
    public ImmutableArray<string> KeyIds { get; }
}
