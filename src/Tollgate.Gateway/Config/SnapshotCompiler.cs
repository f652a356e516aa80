using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Observability;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Cors;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// Turns a validated model into a runtime snapshot: route tables per deployment, each method's
/// policy chain and integration, gateway responses, the stages bound to their deployments and
/// settings, and the host / base path / stage tables. Reports every problem it finds to the
/// diagnostics; returns null if any is an error.
/// </summary>
/// <remarks>
/// A deployment (an API definition) is compiled once however many stages serve it, and a
/// compile given the previous snapshot reuses each compiled deployment whose definition and
/// <see cref="DeploymentSettings"/> are unchanged: a reload that changes a key, a plan, a stage
/// or a domain recompiles no schema or template. Stages, keys, plans and routing tables are
/// always built anew; they are cheap.
/// </remarks>
internal static class SnapshotCompiler
{
    public static GatewaySnapshot? Compile(GatewayConfig config, GatewayServices services, DiagnosticBag diagnostics, string revision = "",
        GatewaySnapshot? previous = null)
    {
        var usage = UsageCompiler.Compile(config, services.Usage.PlanStartDay, diagnostics);
        var deployments = new CompiledDeployments(DeploymentSettings.Of(config));
        var compileConfig = deployments.Settings.ToConfig();
        var apis = new Dictionary<string, Dictionary<string, CompiledStage>>(StringComparer.Ordinal);
        var stagesByName = new Dictionary<string, CompiledStage>(StringComparer.Ordinal);
        foreach (var api in config.Apis)
        {
            // The API as written is always compiled (a file source's stages serve it), so its
            // problems are reported even while no stage serves it.
            var definition = Deployment.DefinitionOf(api);
            var compiled = deployments.GetOrCompile(definition, previous?.Deployments, diagnostics,
                (d, bag) => CompileApi(d, compileConfig, services, bag));
            CheckDeploymentIds(api, diagnostics);
            var stages = new Dictionary<string, CompiledStage>(StringComparer.Ordinal);
            foreach (var stage in api.Stages)
            {
                var served = compiled;
                var deploymentId = Deployment.ImplicitId(api.Id, stage.StageName);
                if (stage.DeploymentId is { } id)
                {
                    if (Deployment.Served(api, stage) is not { } deployment)
                    {
                        diagnostics.Error($"API '{api.Id}', stage '{stage.StageName}'", $"deployment '{id}' is not defined.");
                        continue;
                    }
                    // A snapshot is of this API, whatever id its copy of the definition carries.
                    var snapshot = Deployment.DefinitionOf(deployment.Definition);
                    snapshot = snapshot.Id == api.Id ? snapshot : snapshot with { Id = api.Id };
                    served = deployments.GetOrCompile(snapshot, previous?.Deployments, diagnostics,
                        (d, bag) => CompileApi(d, compileConfig, services, bag));
                    deploymentId = deployment.Id;
                }
                var compiledStage = new CompiledStage(served, stage)
                {
                    DeploymentId = deploymentId,
                    AccessLog = CompileAccessLog(api, stage, config, services, diagnostics),
                };
                BoundUsage.Bind(compiledStage, usage.FindStage(api.Id, stage.StageName));
                stages[stage.StageName] = compiledStage;
                if (!stagesByName.TryAdd(stage.StageName, compiledStage))
                {
                    var servedAt = stage.StageName == RequestRouter.DefaultStageName
                        ? "paths that name no stage go to that API's $default stage"
                        : $"/{stage.StageName}/ serves that API";
                    diagnostics.Warning($"API '{api.Id}', stage '{stage.StageName}'",
                        $"API '{stagesByName[stage.StageName].Api.Id}' has a stage of the same name; on hosts that are not custom domains {servedAt}. Use the host {api.Id}.execute-api.<anything> or a custom domain to reach this one.");
                }
            }
            apis[api.Id] = stages;
        }

        var domains = new Routing.HostNameTable<(string[] BasePath, CompiledStage Stage)[]>();
        foreach (var domain in config.DomainNames)
        {
            var mappings = new List<(string[], CompiledStage)>();
            foreach (var mapping in domain.BasePathMappings)
            {
                if (!apis.TryGetValue(mapping.RestApiId, out var stages) || !stages.TryGetValue(mapping.Stage, out var stage))
                {
                    diagnostics.Error($"domain name '{domain.Name}', base path '{mapping.BasePath}'",
                        $"maps to API '{mapping.RestApiId}' stage '{mapping.Stage}', which is not defined.");
                    continue;
                }
                mappings.Add((mapping.BasePath.Split('/', StringSplitOptions.RemoveEmptyEntries), stage));
            }
            // Longest base path first; the empty one (catch-all) last.
            mappings.Sort((a, b) => b.Item1.Length.CompareTo(a.Item1.Length));
            domains.Add(domain.Name, [.. mappings]);
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }
        var warnings = diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        return new GatewaySnapshot(config, new RequestRouter(domains, apis, stagesByName), warnings, revision)
        {
            Usage = usage,
            Deployments = deployments,
        };
    }

    /// <summary>Deployment ids are unique within an API.</summary>
    private static void CheckDeploymentIds(Api api, DiagnosticBag diagnostics)
    {
        if (api.Deployments.Length < 2)
        {
            return;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deployment in api.Deployments)
        {
            if (!ids.Add(deployment.Id))
            {
                diagnostics.Error($"API '{api.Id}', deployment '{deployment.Id}'", "the deployment id is used more than once.");
            }
        }
    }

    private static CompiledApi CompileApi(Api api, GatewayConfig config, GatewayServices services, DiagnosticBag diagnostics)
    {
        var server = config.Server;
        var shared = new ApiCompilationCache();
        var apiLocation = $"API '{api.Id}'";
        var profile = ApiProfile.For(api.Protocol);
        var routes = new RouteTable(profile.HasDefaultRoute);
        var methods = new List<CompiledMethod>();
        foreach (var resource in api.Resources)
        {
            var isDefaultRoute = profile.HasDefaultRoute && resource.Path == HttpApiRoutes.DefaultRoute;
            foreach (var (_, method) in resource.Methods)
            {
                var location = isDefaultRoute
                    ? $"{apiLocation}, route '$default'"
                    : $"{apiLocation}, method '{method.HttpMethod} {resource.Path}'";
                var compilation = new MethodCompilation(api, resource, method, location, diagnostics, services) { Config = config, Shared = shared };
                var policies = PolicyOrder.Build(compilation);
                var integration = IntegrationFactory.Create(compilation, server.MaxRequestBodyBytes);
                var compiled = new CompiledMethod(method, resource.Path, isDefaultRoute ? [] : PathParameterNames(resource.Path), policies, integration)
                {
                    Index = methods.Count,
                };
                methods.Add(compiled);
                if (isDefaultRoute)
                {
                    routes.DefaultRoute = compiled;
                }
                else
                {
                    routes.Add(resource.Path, compiled);
                }
            }
        }
        var responses = GatewayResponseRenderer.Compile(api, apiLocation, diagnostics);
        var cors = profile.HasCors && api.Cors is { } corsJson ? CorsConfiguration.Parse(corsJson, apiLocation, diagnostics) : null;
        return new CompiledApi(api, routes, responses, server.MaxRequestBodyBytes) { Cors = cors, Methods = [.. methods] };
    }

    /// <summary>A stage's access log: its format compiled, its destination resolved and opened.</summary>
    private static AccessLog? CompileAccessLog(Api api, Stage stage, GatewayConfig config, GatewayServices services, DiagnosticBag diagnostics)
    {
        if (stage.AccessLogSettings is not { } settings)
        {
            return null;
        }
        var location = $"API '{api.Id}', stage '{stage.StageName}', accessLogSettings";
        var format = AccessLogFormat.Parse(settings.Format, ApiProfile.For(api.Protocol).HttpApiLogVariables, out var formatError);
        if (formatError is not null)
        {
            diagnostics.Error(location, $"format {formatError}");
        }
        var destination = AccessLogDestinations.Resolve(settings.DestinationArn, config.LogDestinations, out var destinationError);
        if (destinationError is not null)
        {
            diagnostics.Error(location, destinationError);
        }
        return format is null || destination is null ? null : new AccessLog(format, services.AccessLogs, destination, config.AccessLogs);
    }

    internal static string[] PathParameterNames(string pathTemplate)
    {
        var names = new List<string>();
        foreach (var segment in pathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (RouteTable.IsGreedy(segment))
            {
                names.Add(segment[1..^2]);
            }
            else if (RouteTable.IsVariable(segment))
            {
                names.Add(segment[1..^1]);
            }
        }
        return [.. names];
    }
}
