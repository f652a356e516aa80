using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Benchmarks;

/// <summary>The API key lookup plus the throttle and quota check, with 100,000 keys in one plan.</summary>
[MemoryDiagnoser]
public class ThrottleBenchmarks
{
    private const int Keys = 100_000;
    private InProcessCounterStore _store = null!;
    private UsageGate _gate = null!;
    private UsageSnapshot _snapshot = null!;
    private StageUsage _stage = null!;
    private MethodLimits _limits = null!;
    private string[] _values = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var keys = ImmutableArray.CreateBuilder<ApiKey>(Keys);
        var names = ImmutableArray.CreateBuilder<string>(Keys);
        _values = new string[Keys];
        for (var i = 0; i < Keys; i++)
        {
            _values[i] = $"key-{i:D8}-0123456789abcdef";
            keys.Add(new ApiKey { Name = $"k{i}", Value = _values[i] });
            names.Add($"k{i}");
        }
        var get = new Method { HttpMethod = "GET", ApiKeyRequired = true };
        var config = new GatewayConfig
        {
            Apis =
            [
                new Api
                {
                    Id = "orders",
                    Resources = [new Resource { Path = "/orders", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", get) }],
                    Stages = [new Stage { StageName = "live" }],
                },
            ],
            ApiKeys = keys.ToImmutable(),
            UsagePlans =
            [
                new UsagePlan
                {
                    Name = "gold",
                    ApiStages = [new UsagePlanApiStage { ApiId = "orders", Stage = "live" }],
                    // Never refuses: the benchmark measures the check, not the refusal.
                    Throttle = new ThrottleSettings { RateLimit = 1e9, BurstLimit = 1_000_000_000 },
                    Quota = new QuotaSettings { Limit = int.MaxValue, Period = QuotaPeriod.Month },
                    ApiKeys = names.ToImmutable(),
                },
            ],
            AccountThrottle = new ThrottleSettings { RateLimit = 1e9, BurstLimit = 1_000_000_000 },
        };
        var diagnostics = new DiagnosticBag();
        _snapshot = UsageCompiler.Compile(config, _ => new DateOnly(2026, 1, 1), diagnostics);
        if (diagnostics.HasErrors)
        {
            throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        }
        _store = new InProcessCounterStore(TimeProvider.System);
        _gate = new UsageGate(_store);
        _stage = _snapshot.FindStage("orders", "live")!;
        _limits = _stage.GetMethod("/orders", "GET");
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Description = "key check + throttle chain + quota (100,000 keys)")]
    public bool KeyAndThrottle()
    {
        var value = _values[_next = (_next + 7919) % Keys];
        var check = _snapshot.Keys.Check(_stage, value);
        return _gate.CheckAsync(_limits, check.Plan, check.Key!.Id).Result == UsageDecision.Allowed;
    }

    [Benchmark(Description = "throttle chain without a key (stage and account buckets)")]
    public bool ThrottleOnly() => _gate.CheckAsync(_limits, null, null).Result == UsageDecision.Allowed;
}
