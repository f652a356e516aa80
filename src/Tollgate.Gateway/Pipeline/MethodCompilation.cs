using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Pipeline;

/// <summary>What a policy factory sees when the compiler builds a method's chain.</summary>
internal sealed record MethodCompilation(
    Api Api,
    Resource Resource,
    Method Method,
    string Location,
    DiagnosticBag Diagnostics,
    GatewayServices Services)
{
    public ILoggerFactory LoggerFactory => Services.LoggerFactory;

    /// <summary>What the method's kind of API (REST or HTTP) does differently.</summary>
    public ApiProfile Profile => ApiProfile.For(Api.Protocol);

    /// <summary>
    /// The settings a method is compiled against (<see cref="Config.DeploymentSettings.ToConfig"/>):
    /// Lambda, IAM, JWT, server limits, region and account. It holds no APIs, keys, plans or
    /// stages: a compiled method is reused by later configs whose settings are equal, so what
    /// changes per stage or per key set is bound per stage (<see cref="CompiledStage"/>).
    /// </summary>
    public GatewayConfig Config { get; init; } = new();

    /// <summary>What the methods of one API share in one compilation (e.g. the API's compiled models).</summary>
    public ApiCompilationCache Shared { get; init; } = new();
}

/// <summary>Values compiled once per deployment and shared by its methods' policies and integrations.</summary>
internal sealed class ApiCompilationCache
{
    private readonly Dictionary<string, object> _items = new(StringComparer.Ordinal);

    public T GetOrAdd<T>(string key, Func<T> create)
        where T : class
    {
        if (_items.TryGetValue(key, out var existing))
        {
            return (T)existing;
        }
        var created = create();
        _items[key] = created;
        return created;
    }
}
