using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// A deployment ready to serve: an API definition's route table, methods and gateway responses.
/// Compiled once per definition and shared by every stage that serves it; a reload whose
/// definition (and <see cref="Config.DeploymentSettings"/>) is unchanged reuses it as it is.
/// Nothing in it belongs to a stage or to the key and plan set: those are bound per stage
/// (<see cref="CompiledStage"/>).
/// </summary>
internal sealed class CompiledApi(Api model, IRouteMatcher routes, IGatewayResponder responses, long maxRequestBodyBytes)
{
    /// <summary>The definition compiled (<see cref="Deployment.Definition"/>: no stages, no deployments).</summary>
    public Api Model { get; } = model;

    public string Id => Model.Id;

    /// <summary>What this kind of API (REST or HTTP) does differently, decided once.</summary>
    public ApiProfile Profile { get; } = ApiProfile.For(model.Protocol);

    public IRouteMatcher Routes { get; } = routes;

    public IGatewayResponder Responses { get; } = responses;

    public long MaxRequestBodyBytes { get; } = maxRequestBodyBytes;

    /// <summary>HTTP APIs: the compiled <c>x-amazon-apigateway-cors</c>; null when the API has none.</summary>
    public ICorsRules? Cors { get; init; }

    /// <summary>Every method of the definition; a method's <see cref="CompiledMethod.Index"/> is its place here.</summary>
    public CompiledMethod[] Methods { get; init; } = [];
}

/// <summary>
/// A method ready to serve: its policy chain in the order of <see cref="Config.PolicyOrder"/> and its
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

    /// <summary>The method's place in <see cref="CompiledApi.Methods"/>: where a stage keeps its settings of it.</summary>
    public int Index { get; init; }
}
