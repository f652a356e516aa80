using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// Where a gateway's config comes from: a file and the definitions it names
/// (<see cref="FileConfigSource"/>), a model held in memory (<see cref="DelegateConfigSource"/>),
/// and later the store behind the management API. A source only reads; everything after the
/// read is the same for every source and lives in one place: <see cref="ConfigPipeline"/>
/// validates and compiles what <see cref="Load"/> returns, and <see cref="ConfigReloader"/> swaps
/// the snapshot when <see cref="Changed"/> says there may be something new.
/// </summary>
/// <remarks>
/// The seam is kept this small on purpose: a source does not validate (it may, see
/// <see cref="ConfigPipeline"/>), does not debounce (the reloader does, on its clock) and never
/// touches a running snapshot.
/// </remarks>
internal interface IConfigSource : IDisposable
{
    /// <summary>What log lines call the source, for example the path of the config file.</summary>
    string Description { get; }

    /// <summary>
    /// Reads the config as it is now. Problems with what was read are diagnostics in the result,
    /// not exceptions; a source that cannot be reached at all (an I/O error) may throw
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>, and a reload then
    /// keeps the running config. <see cref="ConfigLoad.Revision"/> names exactly what was read:
    /// two loads with the same revision hold the same config, so the second is not recompiled.
    /// Called by one caller at a time.
    /// </summary>
    ConfigLoad Load();

    /// <summary>
    /// Starts raising <see cref="Changed"/>. A gateway that does not reload never calls it, so a
    /// source sets up no watchers (and holds no file handles) until asked.
    /// </summary>
    void Watch();

    /// <summary>
    /// Raised, on any thread, when what <see cref="Load"/> would return may differ from what it
    /// last returned. It may be raised more than once for one change (an editor writes a file in
    /// several steps) or for no change at all: the reloader debounces the signal, loads, and
    /// compares revisions.
    /// </summary>
    event Action? Changed;
}

/// <summary>
/// What a source read: the model as far as it could be read (null when nothing could), every
/// problem found while reading, and the files read. A load with errors is never served; its model
/// is still validated and compiled so that one pass reports every problem.
/// </summary>
/// <param name="Config">The model; null when nothing could be read. Served only when no diagnostic is an error.</param>
/// <param name="Diagnostics">Every problem found while reading (and, for a source that validates itself, validating).</param>
/// <param name="SourceFiles">The files read, in order (none for a source that is not a file); for log lines.</param>
internal sealed record ConfigLoad(Model.GatewayConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics, IReadOnlyList<string> SourceFiles)
{
    /// <summary>
    /// Names what this load read, so that an unchanged source is not recompiled: for a file
    /// source the digest of the exact bytes it parsed (<see cref="SourceDigest"/>), never of a
    /// second read; a store would give its version. Null or empty when the source cannot tell:
    /// every reload of such a source compiles. Kept by the snapshot (<see cref="GatewaySnapshot.Revision"/>).
    /// </summary>
    public string? Revision { get; init; }
}

/// <summary>
/// A source that calls a function for each load: a model built in memory (tests, embedders).
/// It never signals a change by itself; <see cref="Signal"/> stands in for one.
/// </summary>
internal sealed class DelegateConfigSource(Func<ConfigLoad> load, string description = "config in memory") : IConfigSource
{
    public string Description { get; } = description;

    public event Action? Changed;

    public ConfigLoad Load() => load();

    public void Watch()
    {
    }

    /// <summary>Raises <see cref="Changed"/>, as a real source does when its content changes.</summary>
    public void Signal() => Changed?.Invoke();

    public void Dispose()
    {
    }
}
