using Tollgate.Gateway.Model;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>The answer of a <see cref="UsageQuery"/>: the GetUsage JSON, or why there is none.</summary>
internal readonly record struct UsageQueryResult(string? Json, string? Error);

/// <summary>
/// <c>tollgate usage</c>: reads a plan's usage from the database in the data directory and renders
/// AWS's GetUsage JSON. It only reads: a plan that was never served is not recorded as started.
/// </summary>
internal static class UsageQuery
{
    /// <param name="config">The loaded config (its plans and keys).</param>
    /// <param name="databasePath">The usage database; it must exist.</param>
    /// <param name="plan">A usage plan name or id.</param>
    /// <param name="key">An API key name or id; null: every key.</param>
    /// <param name="start">First day; null: the first day of the plan's current quota period (of the month without a quota).</param>
    /// <param name="end">Last day; null: today (UTC).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<UsageQueryResult> RunAsync(GatewayConfig config, string databasePath, string plan, string? key,
        DateOnly? start, DateOnly? end, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!File.Exists(databasePath))
        {
            return new(null, $"there is no usage database at {databasePath}; `tollgate serve` writes it in its data directory (--data-dir).");
        }
        var model = FindPlan(config, plan);
        if (model is null)
        {
            return new(null, $"no usage plan is named '{plan}'. Plans: {Names(config)}.");
        }
        string? keyId = null;
        if (key is not null)
        {
            foreach (var candidate in config.ApiKeys)
            {
                if (candidate.Name == key || (keyId is null && candidate.Id == key))
                {
                    keyId = candidate.Id;
                }
            }
            if (keyId is null)
            {
                return new(null, $"no API key is named '{key}'.");
            }
        }
        var today = QuotaPeriods.Day(now);
        var last = end ?? today;
        var first = start ?? QuotaPeriods.Start(model.Quota?.Period ?? QuotaPeriod.Month, last);
        if (last < first)
        {
            return new(null, $"the end date {last:yyyy-MM-dd} is before the start date {first:yyyy-MM-dd}.");
        }

        using var store = new SqliteUsageStore(databasePath);
        var diagnostics = new DiagnosticBag();
        var snapshot = UsageCompiler.Compile(config, id => store.FindPlanStart(id) ?? today, diagnostics);
        using var counters = new InProcessCounterStore(TimeProvider.System);
        var json = await UsageReport.GetUsageJsonAsync(snapshot, counters, store, model.Id, first, last, keyId, cancellationToken);
        return json is null ? new(null, $"usage plan '{plan}' did not compile.") : new(json, null);
    }

    private static UsagePlan? FindPlan(GatewayConfig config, string nameOrId)
    {
        foreach (var plan in config.UsagePlans)
        {
            if (plan.Name == nameOrId)
            {
                return plan;
            }
        }
        foreach (var plan in config.UsagePlans)
        {
            if (plan.Id == nameOrId)
            {
                return plan;
            }
        }
        return null;
    }

    private static string Names(GatewayConfig config) =>
        config.UsagePlans.IsEmpty ? "none" : string.Join(", ", config.UsagePlans.Select(p => $"'{p.Name}'"));
}
