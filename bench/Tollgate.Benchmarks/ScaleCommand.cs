using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Benchmarks;

/// <summary>
/// The in-process scale figures of bench/run.sh: how long a reload of a large config takes
/// (load, fingerprint, compile, swap: <see cref="ConfigReloader.ReloadNow"/>), how long the
/// compile step alone takes, and how long routing takes with that many routes.
/// </summary>
/// <remarks>
/// Usage: <c>scale --config A.yaml --config B.yaml [--iterations N] [--routes N]</c>. The two
/// configs alternate so that every reload really swaps. Their routes are <c>/r{i}/{id}</c>, as
/// bench/lib/gen.py writes them. Without configs, an in-memory model of <c>--routes</c> routes
/// is compiled instead (no loading).
/// </remarks>
internal static class ScaleCommand
{
    public static int Run(string[] args)
    {
        var configs = new List<string>();
        var iterations = 5;
        var routes = 10_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--config": configs.Add(Path.GetFullPath(args[i + 1])); break;
                case "--iterations": iterations = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--routes": routes = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var services = Support.Services();
        var reloadMs = new List<double>();
        var compileMs = new List<double>();
        GatewaySnapshot snapshot;
        if (configs.Count > 0)
        {
            var next = 0;
            ConfigLoad Source()
            {
                // Read without validating: the reload pipeline validates, as it does for a file source.
                var result = ConfigLoader.Read(configs[next++ % configs.Count], LoadOptions.Default);
                return new ConfigLoad(result.Config, result.Diagnostics, result.SourceFiles);
            }
            var initial = Source();
            if (initial.Config is null || initial.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                Console.Error.WriteLine(string.Join("\n", initial.Diagnostics));
                return 1;
            }
            var holder = new SnapshotHolder(Support.Compile(initial.Config, services));
            using var reloader = new ConfigReloader(new DelegateConfigSource(Source), holder, services, TimeSpan.FromMilliseconds(250));
            for (var i = 0; i < iterations + 1; i++)
            {
                var watch = Stopwatch.StartNew();
                var outcome = reloader.ReloadNow();
                watch.Stop();
                if (outcome != ReloadOutcome.Swapped)
                {
                    Console.Error.WriteLine($"reload {i}: {outcome}");
                    return 1;
                }
                reloadMs.Add(watch.Elapsed.TotalMilliseconds);
            }
            for (var i = 0; i < iterations + 1; i++)
            {
                var watch = Stopwatch.StartNew();
                Support.Compile(initial.Config, services);
                compileMs.Add(watch.Elapsed.TotalMilliseconds);
            }
            snapshot = holder.Current;
        }
        else
        {
            var config = Support.Config(routes);
            for (var i = 0; i < iterations + 1; i++)
            {
                var watch = Stopwatch.StartNew();
                Support.Compile(config, services);
                compileMs.Add(watch.Elapsed.TotalMilliseconds);
            }
            snapshot = Support.Compile(config, services);
        }

        var (matchNs, matchBytes) = MeasureMatch(snapshot, configs.Count > 0, routes, iterations);
        var output = new Dictionary<string, object?>
        {
            ["routes"] = routes,
            ["iterations"] = iterations,
            // The first of each is cold (JIT); the medians leave it out.
            ["compile_and_swap_ms_first"] = configs.Count > 0 ? Math.Round(reloadMs[0], 1) : null,
            ["compile_and_swap_ms_median"] = configs.Count > 0 ? Math.Round(Median(reloadMs.Skip(1)), 1) : null,
            ["compile_and_swap_ms_max"] = configs.Count > 0 ? Math.Round(reloadMs.Skip(1).Max(), 1) : null,
            ["compile_ms_first"] = Math.Round(compileMs[0], 1),
            ["compile_ms_median"] = Math.Round(Median(compileMs.Skip(1)), 1),
            ["match_ns_median"] = Math.Round(matchNs, 1),
            ["match_bytes_allocated"] = matchBytes,
        };
        Console.WriteLine(JsonSerializer.Serialize(output));
        return 0;
    }

    private static (double Ns, double Bytes) MeasureMatch(GatewaySnapshot snapshot, bool generated, int routes, int batches)
    {
        var rng = new Random(42);
        var paths = new string[1024];
        for (var i = 0; i < paths.Length; i++)
        {
            var n = rng.Next(routes);
            paths[i] = generated ? $"/prod/r{n}/item-{i}" : $"/prod/v1/s{n / 100}/r{n}/item-{i}";
        }
        const int PerBatch = 200_000;
        var results = new List<double>();
        long bytes = 0;
        for (var b = 0; b < batches + 1; b++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            var found = 0;
            for (var i = 0; i < PerBatch; i++)
            {
                if (snapshot.Router.TryRoute("127.0.0.1", paths[i & 1023], out var route)
                    && route.Stage.Api.Routes.Match(route.RelativePath, "GET", out _) is not null)
                {
                    found++;
                }
            }
            watch.Stop();
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (found != PerBatch)
            {
                throw new InvalidOperationException($"only {found} of {PerBatch} paths matched");
            }
            if (b > 0)
            {
                results.Add(watch.Elapsed.TotalNanoseconds / PerBatch);
            }
        }
        return (Median(results), (double)bytes / PerBatch);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
