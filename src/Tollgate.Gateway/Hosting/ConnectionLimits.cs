using System.Globalization;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Hosting;

/// <summary>
/// How many client connections the gateway takes at once, so that a flood of them can never use
/// up the process's file descriptors (which would fail backend connects, log files and the
/// runtime itself). Each client connection may need a backend connection too, and the process
/// keeps some descriptors for itself, so by default the budget is
/// <c>(open-file limit − reserve) / 2</c> connections, at most 20,000, of which a fifth may be
/// upgraded (WebSocket) ones. The reserve
/// is what the process holds open at start (a .NET process keeps about 200 descriptors, most of
/// them its assemblies) and an eighth of the limit (128 to 1,024) for what it opens later (assemblies loaded on first use, idle pooled backend connections, log and database files). The .NET
/// runtime raises the soft open-file limit to the hard limit at start, so the hard limit
/// (<c>ulimit -Hn</c>, systemd's <c>LimitNOFILE=</c>) is the one that counts.
/// </summary>
internal sealed record ConnectionLimits(long? OpenFileLimit, int MaxConnections, int MaxUpgradedConnections)
{
    /// <summary>The derived total never goes beyond this: past it, memory rather than descriptors is the bound.</summary>
    public const int MaxDerivedConnections = 20_000;

    /// <summary>The total when the open-file limit is unknown or unlimited.</summary>
    public const int UnknownLimitConnections = 10_000;

    /// <summary>
    /// The limits for <paramref name="server"/>: the configured ones, the others derived from
    /// <paramref name="openFileLimit"/>. <paramref name="warning"/> says when the configured
    /// ones need more descriptors than the limit leaves.
    /// </summary>
    public static ConnectionLimits For(ServerSettings server, long? openFileLimit, int openNow, out string? warning)
    {
        warning = null;
        var budget = openFileLimit is { } limit ? Budget(limit, openNow) : UnknownLimitConnections;
        var total = Math.Min(budget, MaxDerivedConnections);
        var connections = server.MaxConnections ?? total;
        var upgraded = Math.Min(connections, server.MaxUpgradedConnections ?? Math.Max(1, connections / 5));
        if (openFileLimit is { } known && server.MaxConnections is not null && connections > budget)
        {
            warning = string.Create(CultureInfo.InvariantCulture,
                $"server: maxConnections {connections} may need {2L * connections} file descriptors with their backend connections, more than the open-file limit of {known} leaves ({budget} connections); raise the limit (ulimit -n, systemd LimitNOFILE=) or lower it.");
        }
        return new ConnectionLimits(openFileLimit, connections, upgraded);
    }

    /// <summary>
    /// Client connections that <paramref name="openFileLimit"/> descriptors carry, each with a
    /// backend connection, after those open now and a reserve for later.
    /// </summary>
    internal static int Budget(long openFileLimit, int openNow)
    {
        var reserve = openNow + Math.Clamp(openFileLimit / 8, 128, 1024);
        return (int)Math.Clamp((openFileLimit - reserve) / 2, 16, int.MaxValue);
    }

    /// <summary>Descriptors the process has open now (from <c>/proc/self/fd</c>); 0 where that is unavailable.</summary>
    public static int CountOpenFiles()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The process's soft open-file limit, from <c>/proc/self/limits</c>; null where that is unavailable or unlimited.</summary>
    public static long? ReadOpenFileLimit()
    {
        try
        {
            return ParseOpenFileLimit(File.ReadAllText("/proc/self/limits"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static long? ParseOpenFileLimit(string limits)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) && soft > 0 ? soft : null;
        }
        return null;
    }
}
