using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.ApiKeys;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The config keys of API keys and usage plans, named as in the API Gateway management API. Only
/// the shape is checked here; cross-references (key names, API stages, method keys) are checked
/// by the usage compiler, so that <c>validate</c> and a reload report them the same way.
/// </summary>
internal static partial class ConfigLoader
{
    /// <summary>Top-level keys of API keys and usage plans: apiKeys, usagePlans, accountThrottle.</summary>
    private static GatewayConfig ReadUsagePlanSections(ConfigObject file, GatewayConfig config, SectionContext context)
    {
        var keys = ImmutableArray.CreateBuilder<ApiKey>();
        foreach (var entry in file.Objects("apiKeys"))
        {
            if (ReadApiKey(entry, context) is { } key)
            {
                keys.Add(key);
            }
        }
        var plans = ImmutableArray.CreateBuilder<UsagePlan>();
        foreach (var entry in file.Objects("usagePlans"))
        {
            if (ReadUsagePlan(entry) is { } plan)
            {
                plans.Add(plan);
            }
        }
        var account = file.Object("accountThrottle") is { } throttle ? ReadThrottle(throttle) : null;
        return config with
        {
            ApiKeys = keys.ToImmutable(),
            UsagePlans = plans.ToImmutable(),
            AccountThrottle = account ?? config.AccountThrottle,
        };
    }

    /// <summary>Stage keys of usage plans: methodSettings.</summary>
    private static Stage ReadUsagePlanStageKeys(ConfigObject stage, Stage model)
    {
        var settings = ImmutableDictionary.CreateBuilder<string, MethodSetting>(StringComparer.Ordinal);
        foreach (var (name, entry) in stage.ObjectMap("methodSettings"))
        {
            var rate = entry.Number("throttlingRateLimit");
            var burst = entry.Integer("throttlingBurstLimit");
            var metrics = entry.Boolean("metricsEnabled");
            entry.ReportUnknownKeys();
            if (rate < 0)
            {
                entry.Error($"'throttlingRateLimit' {rate} must be at least 0.");
            }
            if (burst is < 0 or > int.MaxValue)
            {
                entry.Error($"'throttlingBurstLimit' {burst} must be from 0 to {int.MaxValue}.");
                burst = null;
            }
            settings[name] = new MethodSetting { ThrottlingRateLimit = rate, ThrottlingBurstLimit = (int?)burst, MetricsEnabled = metrics };
        }
        return model with { MethodSettings = settings.ToImmutable() };
    }

    private static ApiKey? ReadApiKey(ConfigObject entry, SectionContext context)
    {
        var name = entry.String("name", required: true);
        var id = entry.String("id");
        var value = entry.String("value");
        var valueFrom = entry.Object("valueFrom");
        var enabled = entry.Boolean("enabled");
        var description = entry.String("description");
        entry.ReportUnknownKeys();
        SecretReference? reference = null;
        if (valueFrom is not null)
        {
            reference = new SecretReference { Env = valueFrom.String("env"), File = valueFrom.String("file") };
            valueFrom.ReportUnknownKeys();
        }
        if (name is null)
        {
            return null;
        }
        var where = $"API key '{name}'";
        if (id is not null && !ApiId().IsMatch(id))
        {
            context.Diagnostics.Error(where, $"id '{id}' must be letters, digits, '-' and '_'.");
        }
        if ((value is null) == (reference is null))
        {
            // Never echo the value: only say which field is wrong.
            context.Diagnostics.Error(where, "give exactly one of 'value' and 'valueFrom'.");
            return null;
        }
        if (reference is not null)
        {
            value = SecretResolver.Resolve(reference, context.Directory, where + ", valueFrom", context.Diagnostics);
            if (reference.File is { } file)
            {
                context.Sources.Add(Path.GetFullPath(Path.Combine(context.Directory, file)));
            }
            if (value is null)
            {
                return null;
            }
        }
        var key = new ApiKey
        {
            Name = name,
            Value = value!,
            ValueFrom = reference,
            Enabled = enabled ?? true,
            Description = description,
        };
        return id is null ? key : key with { Id = id };
    }

    private static UsagePlan? ReadUsagePlan(ConfigObject entry)
    {
        var name = entry.String("name", required: true);
        var id = entry.String("id");
        var description = entry.String("description");
        var stages = ImmutableArray.CreateBuilder<UsagePlanApiStage>();
        foreach (var stage in entry.Objects("apiStages"))
        {
            if (ReadPlanStage(stage) is { } apiStage)
            {
                stages.Add(apiStage);
            }
        }
        var throttle = entry.Object("throttle") is { } t ? ReadThrottle(t) : null;
        var quota = entry.Object("quota") is { } q ? ReadQuota(q) : null;
        var keys = ImmutableArray.CreateBuilder<string>();
        foreach (var (item, path) in entry.List("apiKeys"))
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                keys.Add(item.GetString()!);
            }
            else
            {
                entry.Error($"'{path}' must be the name of an API key, not {OpenApiImporter.Describe(item.ValueKind)}.");
            }
        }
        entry.ReportUnknownKeys();
        if (name is null)
        {
            return null;
        }
        if (id is not null && !ApiId().IsMatch(id))
        {
            entry.Error($"usage plan id '{id}' must be letters, digits, '-' and '_'.");
        }
        var plan = new UsagePlan
        {
            Name = name,
            Description = description,
            ApiStages = stages.ToImmutable(),
            Throttle = throttle,
            Quota = quota,
            ApiKeys = keys.ToImmutable(),
        };
        return id is null ? plan : plan with { Id = id };
    }

    private static UsagePlanApiStage? ReadPlanStage(ConfigObject entry)
    {
        var apiId = entry.String("apiId", required: true);
        var stage = entry.String("stage", required: true);
        var throttle = ImmutableDictionary.CreateBuilder<string, ThrottleSettings>(StringComparer.Ordinal);
        foreach (var (method, settings) in entry.ObjectMap("throttle"))
        {
            if (ReadThrottle(settings) is { } limits)
            {
                throttle[method] = limits;
            }
        }
        entry.ReportUnknownKeys();
        return apiId is null || stage is null
            ? null
            : new UsagePlanApiStage { ApiId = apiId, Stage = stage, Throttle = throttle.ToImmutable() };
    }

    /// <summary><c>{ rateLimit, burstLimit }</c>, both required (a half-given throttle is more likely a mistake than a wish).</summary>
    private static ThrottleSettings? ReadThrottle(ConfigObject entry)
    {
        var rate = entry.Number("rateLimit");
        var burst = entry.Integer("burstLimit");
        entry.ReportUnknownKeys();
        var ok = true;
        if (rate is null || burst is null)
        {
            entry.Error("give both 'rateLimit' (requests a second) and 'burstLimit' (bucket size).");
            ok = false;
        }
        if (rate < 0)
        {
            entry.Error($"'rateLimit' {rate} must be at least 0.");
            ok = false;
        }
        if (burst is < 0 or > int.MaxValue)
        {
            entry.Error($"'burstLimit' {burst} must be from 0 to {int.MaxValue}.");
            ok = false;
        }
        return ok ? new ThrottleSettings { RateLimit = rate!.Value, BurstLimit = (int)burst!.Value } : null;
    }

    /// <summary><c>{ limit, period: DAY|WEEK|MONTH, offset }</c>; limit and period required, as in AWS.</summary>
    private static QuotaSettings? ReadQuota(ConfigObject entry)
    {
        var limit = entry.Integer("limit");
        var period = entry.String("period");
        var offset = entry.Integer("offset") ?? 0;
        entry.ReportUnknownKeys();
        var ok = true;
        if (limit is null)
        {
            entry.Error("'limit' is missing.");
            ok = false;
        }
        else if (limit is < 0 or > int.MaxValue)
        {
            entry.Error($"'limit' {limit} must be from 0 to {int.MaxValue}.");
            ok = false;
        }
        QuotaPeriod parsed = default;
        if (period is null)
        {
            entry.Error("'period' is missing; expected DAY, WEEK or MONTH.");
            ok = false;
        }
        else if (!TryParsePeriod(period, out parsed))
        {
            entry.Error($"'period' '{period}' must be DAY, WEEK or MONTH.");
            ok = false;
        }
        if (offset < 0 || (limit is { } l && offset > l))
        {
            entry.Error($"'offset' {offset} must be from 0 to the limit.");
            ok = false;
        }
        return ok ? new QuotaSettings { Limit = (int)limit!.Value, Period = parsed, Offset = (int)offset } : null;
    }

    private static bool TryParsePeriod(string text, out QuotaPeriod period)
    {
        switch (text.ToUpperInvariant())
        {
            case "DAY":
                period = QuotaPeriod.Day;
                return true;
            case "WEEK":
                period = QuotaPeriod.Week;
                return true;
            case "MONTH":
                period = QuotaPeriod.Month;
                return true;
            default:
                period = default;
                return false;
        }
    }
}
