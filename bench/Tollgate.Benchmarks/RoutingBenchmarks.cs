using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Config;

namespace Tollgate.Benchmarks;

/// <summary>Host and stage routing, then the route table, with 10,000 routes.</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private GatewaySnapshot _snapshot = null!;

    [Params(10_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup() => _snapshot = Support.Compile(Support.Config(Routes), Support.Services());

    [Benchmark(Description = "literal route with a path parameter")]
    public bool Literal() => Match("/prod/v1/s73/r7345/abc123");

    [Benchmark(Description = "greedy {proxy+} route")]
    public bool Greedy() => Match("/prod/v1/s42/files/a/b/c.txt");

    [Benchmark(Description = "no route (403 Missing Authentication Token)")]
    public bool Miss() => Match("/prod/v1/s42/nothing/here");

    private bool Match(string path)
    {
        if (!_snapshot.Router.TryRoute("127.0.0.1", path, out var route))
        {
            return false;
        }
        return route.Stage.Api.Routes.Match(route.RelativePath, "GET", out _) is not null;
    }
}
