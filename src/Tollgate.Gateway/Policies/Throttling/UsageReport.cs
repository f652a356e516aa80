using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>
/// AWS's <c>GetUsage</c>: <c>{"usagePlanId", "startDate", "endDate", "items": {"keyId": [[used, remaining], ...]}}</c>,
/// one pair per day from start to end (both included), for every key of the plan (or the one asked
/// for) and any other key with usage recorded under the plan.
/// </summary>
/// <remarks>
/// <c>used</c> is the requests of that UTC day; <c>remaining</c> is what was left of the quota at
/// the end of that day: the period's allowance (the limit, less the offset in the plan's first
/// period) less the requests from the start of the period through that day. A plan without a quota
/// reports remaining 0.
/// </remarks>
internal static class UsageReport
{
    private const string DayFormat = "yyyy-MM-dd";

    /// <summary>Writes counts not yet durable, then renders the usage of a plan.</summary>
    /// <returns>The JSON, or null when no plan has this id.</returns>
    /// <exception cref="ArgumentException">The end date is before the start date.</exception>
    public static async Task<string?> GetUsageJsonAsync(UsageSnapshot snapshot, ICounterStore counters, IUsageStore usage,
        string usagePlanId, DateOnly startDate, DateOnly endDate, string? keyId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(usage);
        if (endDate < startDate)
        {
            throw new ArgumentException("The end date is before the start date.", nameof(endDate));
        }
        if (!snapshot.PlansById.TryGetValue(usagePlanId, out var plan))
        {
            return null;
        }
        await counters.FlushAsync(cancellationToken);
        // Read from the start of the period containing the start date: its earlier days count against the remaining quota.
        var from = plan.Quota is null ? startDate : QuotaPeriods.Start(plan.Quota.Period, startDate);
        var rows = usage.Read(plan.Id, from, endDate, keyId);

        var byKey = new Dictionary<string, Dictionary<DateOnly, long>>(StringComparer.Ordinal);
        var keyOrder = new List<string>();
        foreach (var id in plan.KeyIds)
        {
            if ((keyId is null || keyId == id) && byKey.TryAdd(id, []))
            {
                keyOrder.Add(id);
            }
        }
        var others = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!byKey.TryGetValue(row.KeyId, out var days))
            {
                byKey[row.KeyId] = days = [];
                others.Add(row.KeyId);
            }
            days[row.Day] = days.GetValueOrDefault(row.Day) + row.Used;
        }
        keyOrder.AddRange(others);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("usagePlanId", plan.Id);
            json.WriteString("startDate", startDate.ToString(DayFormat, CultureInfo.InvariantCulture));
            json.WriteString("endDate", endDate.ToString(DayFormat, CultureInfo.InvariantCulture));
            json.WriteStartObject("items");
            foreach (var id in keyOrder)
            {
                json.WriteStartArray(id);
                WriteDays(json, plan, byKey[id], from, startDate, endDate);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteDays(Utf8JsonWriter json, CompiledPlan plan, Dictionary<DateOnly, long> days,
        DateOnly from, DateOnly startDate, DateOnly endDate)
    {
        var periodStart = DateOnly.MinValue;
        long usedInPeriod = 0;
        for (var day = from; day <= endDate; day = day.AddDays(1))
        {
            var used = days.GetValueOrDefault(day);
            long remaining = 0;
            if (plan.Quota is { } quota)
            {
                var start = QuotaPeriods.Start(quota.Period, day);
                if (start != periodStart)
                {
                    periodStart = start;
                    usedInPeriod = 0;
                }
                usedInPeriod += used;
                remaining = Math.Max(0, QuotaPeriods.Allowance(quota, periodStart, plan.StartDay) - usedInPeriod);
            }
            if (day >= startDate)
            {
                json.WriteStartArray();
                json.WriteNumberValue(used);
                json.WriteNumberValue(remaining);
                json.WriteEndArray();
            }
        }
    }
}
