using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;
using Tollgate.Gateway.Policies.Authorizers;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The one way from a source's load to a snapshot, the same for the first load, every reload and
/// <c>tollgate validate</c>: validate everything, compile without side effects, and (the caller)
/// swap. Every stage runs even when an earlier one found errors, so one pass names every problem;
/// a load with any error yields no snapshot.
/// </summary>
internal static class ConfigPipeline
{
    /// <summary>
    /// Validates and compiles <paramref name="load"/>. Every problem goes to
    /// <paramref name="diagnostics"/>; null when any is an error. Throws
    /// <see cref="Storage.UsageDatabaseException"/> when the config needs the usage database
    /// (<see cref="UsageServices.Needs"/>) and it cannot be opened. Given the snapshot in use,
    /// its compiled deployments are reused where nothing they depend on changed.
    /// </summary>
    public static GatewaySnapshot? Build(ConfigLoad load, GatewayServices services, DiagnosticBag diagnostics, GatewaySnapshot? previous = null)
    {
        diagnostics.AddRange(load.Diagnostics);
        if (load.Config is not { } config)
        {
            if (!diagnostics.HasErrors)
            {
                diagnostics.Error("config", "the source produced no config.");
            }
            return null;
        }
        Validate(config, load.Diagnostics, diagnostics);
        if (diagnostics.HasErrors)
        {
            CompileForProblems(config, services.Time, diagnostics);
            return null;
        }
        // Opened here, before compiling, because compiling reads each plan's first day from it;
        // a config without plans and keys never opens it (an export served from a read-only
        // directory needs no data directory at all).
        if (UsageServices.Needs(config))
        {
            services.Usage.OpenStore();
        }
        return SnapshotCompiler.Compile(config, services, diagnostics, load.Revision ?? "", previous);
    }

    /// <summary>
    /// Runs the whole pipeline over services made for it and dropped after (<c>tollgate
    /// validate</c>): every problem of <paramref name="load"/>, nothing opened, nothing written.
    /// True when the load would serve.
    /// </summary>
    public static bool Check(ConfigLoad load, TimeProvider time, DiagnosticBag diagnostics) =>
        WithScratchServices(time, services => Build(load, services, diagnostics) is not null);

    /// <summary>
    /// Runs the validator. A source may have validated already (<see cref="ConfigLoader.Load"/>
    /// does, for its callers outside the pipeline): what it reported is not repeated.
    /// </summary>
    private static void Validate(Model.GatewayConfig config, IReadOnlyList<ConfigDiagnostic> reported, DiagnosticBag diagnostics)
    {
        var found = new DiagnosticBag();
        ConfigValidator.Validate(config, found);
        if (found.Items.Count == 0)
        {
            return;
        }
        var known = new HashSet<ConfigDiagnostic>(reported);
        foreach (var problem in found.Items)
        {
            if (known.Add(problem))
            {
                diagnostics.AddRange([problem]);
            }
        }
    }

    /// <summary>
    /// Compiles a config already known to be invalid, only for the errors that compiling finds
    /// (mapping templates, selection patterns, usage plans naming missing keys). It compiles over
    /// services of its own, so that nothing the running gateway shares (access-log writers, the
    /// usage database) is touched for a config that will not serve. A model that failed
    /// validation may break assumptions the compiler relies on; if compiling it throws, the
    /// problems already found are the answer.
    /// </summary>
    private static void CompileForProblems(Model.GatewayConfig config, TimeProvider time, DiagnosticBag diagnostics)
    {
        var found = new DiagnosticBag();
        try
        {
            WithScratchServices(time, services => SnapshotCompiler.Compile(config, services, found));
        }
#pragma warning disable CA1031 // Known-invalid input: a failure here adds nothing to the errors already reported.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        var known = new HashSet<ConfigDiagnostic>(diagnostics.Items);
        foreach (var problem in found.Items)
        {
            if (problem.Severity == DiagnosticSeverity.Error && known.Add(problem))
            {
                diagnostics.AddRange([problem]);
            }
        }
    }

    private static T WithScratchServices<T>(TimeProvider time, Func<GatewayServices, T> run)
    {
        using var forwarder = new Forwarding.HttpForwarder(time, NullLogger<Forwarding.HttpForwarder>.Instance);
        using var lambda = new Lambda.LambdaClient(time, NullLogger.Instance);
        // In memory only: nothing is opened, nothing written.
        using var usage = new UsageServices(time);
        var services = new GatewayServices(time, NullLoggerFactory.Instance, forwarder, lambda).WithUsage(usage);
        try
        {
            return run(services);
        }
        finally
        {
            services.Authorizers.Dispose();
            services.AccessLogs.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
