using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Cors;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Pipeline;

/// <summary>An API ready to serve: its route table and gateway responses, compiled once per config.</summary>
internal sealed class CompiledApi(Api model, RouteTable routes, GatewayResponseRenderer responses, long maxRequestBodyBytes)
{
    public Api Model { get; } = model;

    public string Id => Model.Id;

    /// <summary>What this kind of API (REST or HTTP) does differently, decided once.</summary>
    public ApiProfile Profile { get; } = ApiProfile.For(model.Protocol);

    public RouteTable Routes { get; } = routes;

    public GatewayResponseRenderer Responses { get; } = responses;

    public long MaxRequestBodyBytes { get; } = maxRequestBodyBytes;

    /// <summary>HTTP APIs: the compiled <c>x-amazon-apigateway-cors</c>; null when the API has none.</summary>
    public CorsRules? Cors { get; init; }
}

/// <summary>A stage of a compiled API: what a request is served by once routing has found it.</summary>
internal sealed class CompiledStage(CompiledApi api, Stage model)
{
    public CompiledApi Api { get; } = api;

    public Stage Model { get; } = model;

    public string StageName => Model.StageName;

    public ImmutableDictionary<string, string> Variables => Model.Variables;

    /// <summary>
    /// <c>$context.deploymentId</c> and the proxy event's <c>requestContext.deploymentId</c>: an
    /// API Gateway-looking id (six lower-case alphanumerics) derived from the API and stage, so it
    /// is stable across restarts and reloads (Tollgate has no separate deployments).
    /// </summary>
    public string DeploymentId { get; } = ResourceIds.For("deployment " + api.Model.Id + "/" + model.StageName);

    /// <summary>The stage's access log; null when it has none (then nothing is rendered).</summary>
    public Observability.AccessLog? AccessLog { get; init; }

    private Observability.StageMetricLabels? _metricLabels;

    /// <summary>The metric labels of a request of this stage (made on first use: only when metrics are read).</summary>
    public Observability.MethodLabels MetricLabels(CompiledMethod? method) =>
        (_metricLabels ??= new Observability.StageMetricLabels(Api.Model, Model)).For(method);

    /// <summary>Whether the stage's requests get a server span (<c>tracingEnabled</c>).</summary>
    public bool TracingEnabled => Model.TracingEnabled;
}

/// <summary>
/// A method ready to serve: its policy chain in the order of <see cref="PolicyOrder"/> and its
/// integration.
/// </summary>
internal sealed class CompiledMethod(
    Method model,
    string resourcePath,
    string[] pathParameterNames,
    IRequestPolicy[] policies,
    IIntegration integration)
{
    public Method Model { get; } = model;

    /// <summary>The resource path template, e.g. <c>/pets/{petId}</c>.</summary>
    public string ResourcePath { get; } = resourcePath;

    /// <summary>A stable id of the resource (<c>$context.resourceId</c>).</summary>
    public string ResourceId { get; } = ResourceIds.For(resourcePath);

    /// <summary>The path parameter names in path order; the greedy one without its <c>+</c>.</summary>
    public string[] PathParameterNames { get; } = pathParameterNames;

    public IRequestPolicy[] Policies { get; } = policies;

    public IIntegration Integration { get; } = integration;
}

/// <summary>Derives API Gateway-looking resource ids (six lower-case alphanumerics) from paths, stable across restarts.</summary>
internal static class ResourceIds
{
    public static string For(string path)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in path)
        {
            hash = (hash ^ c) * 16777619u;
        }
        Span<char> id = stackalloc char[6];
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Alphabet[(int)(hash % 36)];
            hash /= 36;
            hash ^= (uint)(i * 2654435761u);
        }
        return new string(id);
    }
}
