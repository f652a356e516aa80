using System.Collections.Frozen;
using System.Collections.Immutable;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.ApiKeys;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>
/// Validates the API keys, usage plans and stage method settings of a config and compiles them into
/// a <see cref="UsageSnapshot"/>: for every method of every stage, one bucket chain per usage plan
/// of the stage plus one without a plan, in AWS's order.
/// </summary>
internal static class UsageCompiler
{
    /// <summary>Key of a method in method settings and plan throttles: <c>/path/METHOD</c> (root: <c>//GET</c>).</summary>
    public static string MethodKey(string resourcePath, string httpMethod) => MethodSettingKeys.For(resourcePath, httpMethod);

    /// <param name="config">The config.</param>
    /// <param name="planStartDay">The day each plan (by id) was first served, from the usage store.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    public static UsageSnapshot Compile(GatewayConfig config, Func<string, DateOnly> planStartDay, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(config);
        var account = new BucketSpec("account", config.AccountThrottle.RateLimit, config.AccountThrottle.BurstLimit, perKey: false);
        CheckThrottle(config.AccountThrottle, "Account throttle", diagnostics);

        var keys = CompileKeys(config.ApiKeys, diagnostics, out var keyIdsByName);
        var apis = new Dictionary<string, Api>();
        foreach (var api in config.Apis)
        {
            apis.TryAdd(api.Id, api);
        }

        // Plans, and for each API stage the plans that cover it.
        var plansById = new Dictionary<string, CompiledPlan>();
        var plansOfStage = new Dictionary<(string, string), List<(CompiledPlan Plan, UsagePlanApiStage Stage)>>();
        var planNames = new HashSet<string>();
        foreach (var plan in config.UsagePlans)
        {
            var where = $"Usage plan '{plan.Name}'";
            if (!planNames.Add(plan.Name))
            {
                diagnostics.Error(where, "another usage plan has the same name.");
                continue;
            }
            if (plansById.ContainsKey(plan.Id))
            {
                diagnostics.Error(where, $"another usage plan has the id '{plan.Id}'.");
                continue;
            }
            if (plan.Throttle is not null)
            {
                CheckThrottle(plan.Throttle, where + ", throttle", diagnostics);
            }
            CheckQuota(plan.Quota, where, diagnostics);
            var keyIds = ImmutableArray.CreateBuilder<string>();
            foreach (var keyName in plan.ApiKeys)
            {
                if (keyIdsByName.TryGetValue(keyName, out var keyId))
                {
                    keyIds.Add(keyId);
                }
                else
                {
                    diagnostics.Error(where, $"API key '{keyName}' is not defined.");
                }
            }
            var throttle = plan.Throttle is null
                ? null
                : new BucketSpec("plan:" + plan.Id, plan.Throttle.RateLimit, plan.Throttle.BurstLimit, perKey: true);
            var compiled = new CompiledPlan(plan.Id, plan.Name, plan.Quota, planStartDay(plan.Id), throttle, keyIds.ToImmutable());
            plansById.Add(plan.Id, compiled);
            foreach (var apiStage in plan.ApiStages)
            {
                var stageWhere = $"{where}, API stage '{apiStage.ApiId}/{apiStage.Stage}'";
                if (!apis.TryGetValue(apiStage.ApiId, out var api))
                {
                    diagnostics.Error(stageWhere, $"API '{apiStage.ApiId}' is not defined.");
                    continue;
                }
                if (!api.Stages.Any(s => s.StageName == apiStage.Stage))
                {
                    diagnostics.Error(stageWhere, $"API '{apiStage.ApiId}' has no stage '{apiStage.Stage}'.");
                    continue;
                }
                foreach (var (key, settings) in apiStage.Throttle)
                {
                    CheckMethodKey(key, api, stageWhere + $", throttle '{key}'", diagnostics);
                    CheckThrottle(settings, stageWhere + $", throttle '{key}'", diagnostics);
                }
                var list = plansOfStage.TryGetValue((api.Id, apiStage.Stage), out var found) ? found : plansOfStage[(api.Id, apiStage.Stage)] = [];
                list.Add((compiled, apiStage));
            }
        }

        var stages = new Dictionary<(string, string), StageUsage>();
        foreach (var api in apis.Values)
        {
            foreach (var stage in api.Stages)
            {
                var plans = plansOfStage.TryGetValue((api.Id, stage.StageName), out var p) ? p : [];
                // The methods the stage serves are those of its deployment (the snapshot compiler
                // reports a deployment id that names none).
                var served = Deployment.Served(api, stage)?.Definition ?? api;
                stages[(api.Id, stage.StageName)] = CompileStage(served, stage, keys, plans, account, diagnostics);
            }
        }
        return new UsageSnapshot(keys, plansById.ToFrozenDictionary(), stages.ToFrozenDictionary(), account);
    }

    private static ApiKeyTable CompileKeys(ImmutableArray<ApiKey> apiKeys, DiagnosticBag diagnostics,
        out Dictionary<string, string> keyIdsByName)
    {
        keyIdsByName = [];
        var ids = new HashSet<string>();
        var byValue = new Dictionary<string, CompiledApiKey>(StringComparer.Ordinal);
        foreach (var key in apiKeys)
        {
            var where = $"API key '{key.Name}'";
            if (string.IsNullOrEmpty(key.Name))
            {
                diagnostics.Error("API keys", "a key has no name.");
                continue;
            }
            if (keyIdsByName.ContainsKey(key.Name))
            {
                diagnostics.Error(where, "another API key has the same name.");
                continue;
            }
            if (!ids.Add(key.Id))
            {
                diagnostics.Error(where, $"another API key has the id '{key.Id}'.");
                continue;
            }
            keyIdsByName.Add(key.Name, key.Id);
            if (string.IsNullOrEmpty(key.Value))
            {
                diagnostics.Error(where, "the key has no value.");
                continue;
            }
            if (key.Value.Length < 20)
            {
                diagnostics.Warning(where, "the value is shorter than 20 characters, the least AWS accepts.");
            }
            if (!byValue.TryAdd(key.Value, new CompiledApiKey(key.Id, key.Name, key.Enabled)))
            {
                // Name the other key, never the value.
                diagnostics.Error(where, $"API key '{byValue[key.Value].Name}' has the same value.");
            }
        }
        return new ApiKeyTable(byValue.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static StageUsage CompileStage(Api api, Stage stage, ApiKeyTable keys, List<(CompiledPlan Plan, UsagePlanApiStage Stage)> plans,
        BucketSpec account, DiagnosticBag diagnostics)
    {
        var where = $"API '{api.Id}', stage '{stage.StageName}'";
        var settings = new Dictionary<string, MethodSetting>();
        foreach (var (rawKey, setting) in stage.MethodSettings)
        {
            var key = NormalizeMethodKey(rawKey);
            var settingWhere = $"{where}, method settings '{rawKey}'";
            if (key != "*/*")
            {
                CheckMethodKey(key, api, settingWhere, diagnostics);
            }
            if (setting.ThrottlingRateLimit is { } rate && !(rate >= 0 && double.IsFinite(rate)))
            {
                diagnostics.Error(settingWhere, "throttlingRateLimit must be a number of at least 0.");
            }
            if (setting.ThrottlingBurstLimit < 0)
            {
                diagnostics.Error(settingWhere, "throttlingBurstLimit must be at least 0.");
            }
            settings[key] = setting;
        }

        var planByKey = new Dictionary<string, StagePlan>();
        var stagePlans = new List<(StagePlan, UsagePlanApiStage)>();
        foreach (var (plan, apiStage) in plans)
        {
            var stagePlan = new StagePlan(plan, stagePlans.Count);
            stagePlans.Add((stagePlan, apiStage));
            foreach (var keyId in plan.KeyIds)
            {
                if (!planByKey.TryAdd(keyId, stagePlan))
                {
                    diagnostics.Error(where, $"API key '{keyId}' is in usage plans '{planByKey[keyId].Plan.Name}' and '{plan.Name}'; a key may be in one plan per stage.");
                }
            }
        }

        settings.TryGetValue("*/*", out var defaults);
        var methods = new Dictionary<string, MethodLimits>();
        foreach (var resource in api.Resources)
        {
            foreach (var httpMethod in resource.Methods.Keys)
            {
                var key = MethodKey(resource.Path, httpMethod);
                settings.TryGetValue(key, out var own);
                methods[key] = Chains(api, stage, key, own, defaults, stagePlans, account);
            }
        }
        var other = Chains(api, stage, "*/*", null, defaults, stagePlans, account);
        return new StageUsage(api.Id, stage.StageName, keys, planByKey.ToFrozenDictionary(), methods.ToFrozenDictionary(), other);
    }

    private static MethodLimits Chains(Api api, Stage stage, string methodKey, MethodSetting? own, MethodSetting? defaults,
        List<(StagePlan Plan, UsagePlanApiStage Stage)> plans, BucketSpec account)
    {
        var stageId = $"{api.Id}/{stage.StageName}:{methodKey}";
        BucketSpec? stageBucket = null;
        var rate = own?.ThrottlingRateLimit ?? defaults?.ThrottlingRateLimit;
        var burst = own?.ThrottlingBurstLimit ?? defaults?.ThrottlingBurstLimit;
        if (rate is not null || burst is not null)
        {
            stageBucket = new BucketSpec("stage:" + stageId, rate ?? account.RateLimit, burst ?? account.BurstLimit, perKey: false);
        }
        var byPlan = new BucketSpec[plans.Count][];
        foreach (var (plan, apiStage) in plans)
        {
            var chain = new List<BucketSpec>(4);
            if (methodKey != "*/*" && FindThrottle(apiStage, methodKey) is { } perMethod)
            {
                chain.Add(new BucketSpec($"plan:{plan.Plan.Id}:{stageId}", perMethod.RateLimit, perMethod.BurstLimit, perKey: true));
            }
            if (plan.Plan.Throttle is not null)
            {
                chain.Add(plan.Plan.Throttle);
            }
            AddShared(chain, stageBucket, account);
            byPlan[plan.Slot] = [.. chain];
        }
        var anonymous = new List<BucketSpec>(2);
        AddShared(anonymous, stageBucket, account);
        return new MethodLimits([.. anonymous], byPlan);
    }

    private static void AddShared(List<BucketSpec> chain, BucketSpec? stageBucket, BucketSpec account)
    {
        if (stageBucket is not null)
        {
            chain.Add(stageBucket);
        }
        chain.Add(account);
    }

    private static ThrottleSettings? FindThrottle(UsagePlanApiStage apiStage, string methodKey)
    {
        foreach (var (key, settings) in apiStage.Throttle)
        {
            if (NormalizeMethodKey(key) == methodKey)
            {
                return settings;
            }
        }
        return null;
    }

    /// <summary>Accepts AWS's patch-path form (<c>~1pets~1{id}/GET</c>) besides <c>/pets/{id}/GET</c>; upper-cases the method.</summary>
    internal static string NormalizeMethodKey(string key) => MethodSettingKeys.Normalize(key);

    private static void CheckMethodKey(string rawKey, Api api, string where, DiagnosticBag diagnostics)
    {
        var key = NormalizeMethodKey(rawKey);
        var slash = key.LastIndexOf('/');
        if (slash < 1 || key[0] != '/' || slash == key.Length - 1)
        {
            diagnostics.Error(where, "expected '/resource/METHOD', for example '/pets/{petId}/GET' ('//GET' for the root resource).");
            return;
        }
        var path = key[..slash];
        var method = key[(slash + 1)..];
        if (!api.Resources.Any(r => r.Path == path && r.Methods.ContainsKey(method)))
        {
            diagnostics.Warning(where, $"API '{api.Id}' has no method {method} on resource '{path}'; the setting is ignored.");
        }
    }

    private static void CheckThrottle(ThrottleSettings throttle, string where, DiagnosticBag diagnostics)
    {
        if (!(throttle.RateLimit >= 0 && double.IsFinite(throttle.RateLimit)))
        {
            diagnostics.Error(where, "rateLimit must be a number of at least 0.");
        }
        if (throttle.BurstLimit < 0)
        {
            diagnostics.Error(where, "burstLimit must be at least 0.");
        }
    }

    private static void CheckQuota(QuotaSettings? quota, string where, DiagnosticBag diagnostics)
    {
        if (quota is null)
        {
            return;
        }
        if (quota.Limit < 0)
        {
            diagnostics.Error(where + ", quota", "limit must be at least 0.");
        }
        if (quota.Offset < 0 || quota.Offset > quota.Limit)
        {
            diagnostics.Error(where + ", quota", "offset must be from 0 to the limit.");
        }
        if (!Enum.IsDefined(quota.Period))
        {
            diagnostics.Error(where + ", quota", "period must be DAY, WEEK or MONTH.");
        }
    }
}
