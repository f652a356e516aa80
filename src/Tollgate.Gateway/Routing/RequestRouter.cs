using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Routing;

/// <summary>
/// Picks the API stage for a request, as API Gateway does:
/// <list type="number">
/// <item>a custom domain name (by <c>Host</c>, port ignored): the longest base path mapping that
/// is a whole-segment prefix of the path, the empty base path catching the rest;</item>
/// <item>a host <c>{apiId}.execute-api.*</c>: that API, the first path segment naming the stage;</item>
/// <item>any other host: the first path segment names the stage, looked up across APIs (the first
/// API in config order that has a stage of that name).</item>
/// </list>
/// HTTP APIs may have a <c>$default</c> stage, served without a stage prefix: as in AWS, a path whose
/// first segment names a stage goes to that stage, and any other path goes, whole, to the
/// <c>$default</c> stage (of the API named by an <c>{apiId}.execute-api.*</c> host; on other hosts,
/// of the first API in config order that has one). A custom domain maps a base path to a
/// <c>$default</c> stage like to any other.
/// </summary>
internal sealed class RequestRouter : IStageRouter
{
    /// <summary>The HTTP API stage served at the root of the API's URL.</summary>
    public const string DefaultStageName = "$default";

    private const string ExecuteApiInfix = ".execute-api.";

    private readonly HostNameTable<(string[] BasePath, CompiledStage Stage)[]> _domains;
    private readonly Dictionary<string, Dictionary<string, CompiledStage>> _apis;
    private readonly Dictionary<string, CompiledStage> _stagesByName;

    public RequestRouter(
        HostNameTable<(string[] BasePath, CompiledStage Stage)[]> domains,
        Dictionary<string, Dictionary<string, CompiledStage>> apis,
        Dictionary<string, CompiledStage> stagesByName)
    {
        _domains = domains;
        _apis = apis;
        _stagesByName = stagesByName;
    }

    public bool TryRoute(string host, string path, out StageRoute route)
    {
        if (!TryRouteAsSent(host, path, out route))
        {
            // REST APIs read a run of slashes as one (recordings of real AWS, issue 19): //prod/x is /prod/x.
            if (path.Length < 2 || path[1] != '/' || !TryRouteAsSent(host, CollapseSlashes(path), out route) || !route.Stage.Api.Profile.MergesSlashes)
            {
                route = default;
                return false;
            }
        }
        if (route.Stage.Api.Profile.MergesSlashes && route.RelativePath.Contains("//", StringComparison.Ordinal))
        {
            route = route with { RelativePath = CollapseSlashes(route.RelativePath) };
        }
        return true;
    }

    /// <summary>The path with every run of slashes made one.</summary>
    internal static string CollapseSlashes(string path)
    {
        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c != '/' || builder.Length == 0 || builder[^1] != '/')
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private bool TryRouteAsSent(string host, string path, out StageRoute route)
    {
        route = default;
        if (_domains.TryGetValue(host, out var mappings))
        {
            foreach (var (basePath, stage) in mappings)
            {
                if (TryStripPrefix(path, basePath, out var rest))
                {
                    route = new StageRoute(stage, rest, host);
                    return true;
                }
            }
            return false;
        }

        var (first, remainder) = FirstSegment(path);
        // "$default" is never reached by name: /$default/x is the path /$default/x of the $default stage.
        var named = first.Length > 0 && first != DefaultStageName;
        var infix = host.IndexOf(ExecuteApiInfix, StringComparison.OrdinalIgnoreCase);
        var stages = _stagesByName;
        if (infix > 0 && !_apis.TryGetValue(host[..infix], out stages))
        {
            return false;
        }
        if (named && stages.TryGetValue(first, out var byName))
        {
            route = new StageRoute(byName, remainder, null);
            return true;
        }
        if (stages.TryGetValue(DefaultStageName, out var defaultStage))
        {
            route = new StageRoute(defaultStage, path.Length == 0 ? "/" : path, null);
            return true;
        }
        return false;
    }

    /// <summary>For a host <c>{apiId}.execute-api.*</c>, the API it names (to answer in that API's way when no stage matched).</summary>
    public CompiledApi? ExecuteApiHost(string host)
    {
        var infix = host.IndexOf(ExecuteApiInfix, StringComparison.OrdinalIgnoreCase);
        return infix > 0 && _apis.TryGetValue(host[..infix], out var stages) && stages.Count > 0
            ? FirstValue(stages).Api
            : null;
    }

    private static CompiledStage FirstValue(Dictionary<string, CompiledStage> stages)
    {
        foreach (var stage in stages.Values)
        {
            return stage;
        }
        throw new InvalidOperationException("no stages");
    }

    private static (string First, string Remainder) FirstSegment(string path)
    {
        var start = path.Length > 0 && path[0] == '/' ? 1 : 0;
        var slash = path.IndexOf('/', start);
        return slash < 0 ? (path[start..], "/") : (path[start..slash], path[slash..]);
    }

    private static bool TryStripPrefix(string path, string[] basePath, out string rest)
    {
        rest = path;
        var position = 0;
        foreach (var segment in basePath)
        {
            if (position >= path.Length || path[position] != '/')
            {
                return false;
            }
            position++;
            if (string.CompareOrdinal(path, position, segment, 0, segment.Length) != 0)
            {
                return false;
            }
            position += segment.Length;
            if (position < path.Length && path[position] != '/')
            {
                return false;
            }
        }
        rest = position >= path.Length ? "/" : path[position..];
        return true;
    }
}
