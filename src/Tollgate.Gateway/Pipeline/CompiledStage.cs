using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Observability;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// A stage as served: the compiled deployment it points at, and its own settings bound to that
/// deployment's methods once, when the snapshot is compiled: stage variables and detailed
/// metrics here, and what features bind to the stage (its usage plans, API keys and per-method
/// throttle chains) in its <see cref="Features"/>. A policy reads them from the request's stage
/// (an array index); nothing per request searches stages by name. Two stages of one deployment share its compiled methods, each with its own
/// settings.
/// </summary>
internal sealed class CompiledStage
{
    private readonly StageMethod[] _methods;
    private readonly StageMethod _unmatched;
    private MethodLabels? _stageLabels;

    /// <param name="api">The compiled deployment the stage serves.</param>
    /// <param name="model">The stage.</param>
    public CompiledStage(CompiledApi api, Stage model)
    {
        Api = api;
        Model = model;
        DeploymentId = Deployment.ImplicitId(api.Model.Id, model.StageName);
        var detailed = DetailedMetrics(model);
        var methods = api.Methods;
        _methods = new StageMethod[methods.Length];
        for (var i = 0; i < methods.Length; i++)
        {
            var method = methods[i];
            var key = MethodSettingKeys.For(method.ResourcePath, method.Model.HttpMethod);
            var metrics = detailed.TryGetValue(key, out var own) && own is { } enabled ? enabled : detailed.GetValueOrDefault("*/*") ?? false;
            _methods[i] = new StageMethod(this, method, metrics);
        }
        _unmatched = new StageMethod(this, null, false);
    }

    public CompiledApi Api { get; }

    public Stage Model { get; }

    public string StageName => Model.StageName;

    public ImmutableDictionary<string, string> Variables => Model.Variables;

    /// <summary>
    /// <c>$context.deploymentId</c> and the proxy event's <c>requestContext.deploymentId</c>: the id
    /// of the deployment the stage serves (<see cref="Deployment.Id"/>).
    /// </summary>
    public string DeploymentId { get; init; }

    /// <summary>
    /// What features bind to this stage when the snapshot is compiled (the usage plans, API keys
    /// and throttle chains of <c>Policies.Throttling.StageUsage</c>), each under its own type.
    /// </summary>
    public FeatureSlots Features { get; } = new();

    /// <summary>The stage's access log; null when it has none (then nothing is rendered).</summary>
    public AccessLog? AccessLog { get; init; }

    /// <summary>Whether the stage's requests get a server span (<c>tracingEnabled</c>).</summary>
    public bool TracingEnabled => Model.TracingEnabled;

    /// <summary>This stage's settings of a method of its deployment: one array index.</summary>
    public StageMethod For(CompiledMethod method)
    {
        var methods = _methods;
        var index = method.Index;
        return (uint)index < (uint)methods.Length && ReferenceEquals(methods[index].Method, method) ? methods[index] : _unmatched;
    }

    /// <summary>The metric labels of a request of this stage (made on first use: only when metrics are read).</summary>
    public MethodLabels MetricLabels(CompiledMethod? method) =>
        method is null ? StageLabels : For(method).Labels;

    internal MethodLabels StageLabels =>
        _stageLabels ??= new MethodLabels(Api.Id, StageName, null, null, Api.Profile.RouteLabels);

    /// <summary>The stage's <c>metricsEnabled</c> settings by normalised method key (<c>*/*</c> or <c>/path/VERB</c>).</summary>
    private static Dictionary<string, bool?> DetailedMetrics(Stage stage)
    {
        var settings = new Dictionary<string, bool?>(StringComparer.Ordinal);
        foreach (var (raw, setting) in stage.MethodSettings)
        {
            settings[MethodSettingKeys.Normalize(raw)] = setting.MetricsEnabled;
        }
        return settings;
    }
}

/// <summary>One stage's settings of one method, bound when the snapshot is compiled.</summary>
internal sealed class StageMethod(CompiledStage stage, CompiledMethod? method, bool metricsEnabled)
{
    private MethodLabels? _labels;

    /// <summary>The method; null for the settings of a method the deployment does not have.</summary>
    public CompiledMethod? Method { get; } = method;

    /// <summary>The stage's <c>metricsEnabled</c> for the method (its own setting, else <c>*/*</c>, else false).</summary>
    public bool MetricsEnabled { get; } = metricsEnabled;

    /// <summary>The method's metric labels (made on first use: only when metrics are read).</summary>
    public MethodLabels Labels => _labels ??= MetricsEnabled && Method is { } m
        ? new MethodLabels(stage.Api.Id, stage.StageName, m.Model.HttpMethod, m.ResourcePath, stage.Api.Profile.RouteLabels)
        : stage.StageLabels;
}
