using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Policies.Throttling;

namespace Tollgate.Gateway.Management;

/// <summary>
/// What <c>/readyz</c> reports: whether this gateway should be sent traffic now. Ready when a
/// config is loaded (a bad reload keeps the last good one, which still serves), the gateway's
/// listeners are bound and not draining, and the usage store takes writes. Each check is named
/// in the answer, so a probe's failure says which one failed.
/// </summary>
internal sealed class Readiness(SnapshotHolder snapshots, UsageServices usage)
{
    /// <summary>How long the usage store may take to answer: a probe's own timeout is 1 s by default.</summary>
    public static readonly TimeSpan StoreWait = TimeSpan.FromMilliseconds(500);

    private volatile bool _listening;

    /// <summary>Set once the gateway's listeners are bound; cleared when it starts draining.</summary>
    public bool Listening
    {
        get => _listening;
        set => _listening = value;
    }

    /// <summary>Runs every check and writes the answer's JSON body; true when all passed.</summary>
    public bool Write(Utf8JsonWriter json)
    {
        var config = snapshots.Current is null ? "no config is loaded" : null;
        var listeners = _listening ? null : "the gateway's listeners are not bound (starting, or draining to stop)";
        var store = usage.CheckStore(StoreWait);
        var ready = config is null && listeners is null && store is null;
        json.WriteStartObject();
        json.WriteString("status", ready ? "ready" : "not ready");
        json.WriteStartObject("checks");
        WriteCheck(json, "config", config);
        WriteCheck(json, "listeners", listeners);
        WriteCheck(json, "usageStore", store);
        json.WriteEndObject();
        json.WriteEndObject();
        return ready;
    }

    private static void WriteCheck(Utf8JsonWriter json, string name, string? problem)
    {
        json.WriteStartObject(name);
        json.WriteString("status", problem is null ? "ok" : "failing");
        if (problem is not null)
        {
            json.WriteString("reason", problem);
        }
        json.WriteEndObject();
    }
}
