using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Config;

/// <summary>
/// Turns a validated model into a runtime snapshot: route tables per API, each method's policy
/// chain and integration, gateway responses, and the host / base path / stage tables. Reports
/// every problem it finds to the diagnostics; returns null if any is an error.
/// </summary>
internal static class SnapshotCompiler
{
    public static GatewaySnapshot? Compile(GatewayConfig config, GatewayServices services, DiagnosticBag diagnostics, string fingerprint = "")
    {
        var apis = new Dictionary<string, Dictionary<string, CompiledStage>>(StringComparer.Ordinal);
        var stagesByName = new Dictionary<string, CompiledStage>(StringComparer.Ordinal);
        foreach (var api in config.Apis)
        {
            var compiled = CompileApi(api, config, services, diagnostics);
            var stages = new Dictionary<string, CompiledStage>(StringComparer.Ordinal);
            foreach (var stage in api.Stages)
            {
                var compiledStage = new CompiledStage(compiled, stage);
                stages[stage.StageName] = compiledStage;
                if (!stagesByName.TryAdd(stage.StageName, compiledStage))
                {
                    diagnostics.Warning($"API '{api.Id}', stage '{stage.StageName}'",
                        $"API '{stagesByName[stage.StageName].Api.Id}' has a stage of the same name; on hosts that are not custom domains /{stage.StageName}/ serves that API. Use the host {api.Id}.execute-api.<anything> or a custom domain to reach this one.");
                }
            }
            apis[api.Id] = stages;
        }

        var domains = new Dictionary<string, (string[] BasePath, CompiledStage Stage)[]>(StringComparer.OrdinalIgnoreCase);
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
            domains[domain.Name] = [.. mappings];
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }
        var warnings = diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        return new GatewaySnapshot(config, new RequestRouter(domains, apis, stagesByName), warnings, fingerprint);
    }

    private static CompiledApi CompileApi(Api api, GatewayConfig config, GatewayServices services, DiagnosticBag diagnostics)
    {
        var server = config.Server;
        var apiLocation = $"API '{api.Id}'";
        var routes = new RouteTable();
        foreach (var resource in api.Resources)
        {
            if (resource.Path == "$default")
            {
                diagnostics.Warning($"{apiLocation}, route '$default'", "HTTP API $default routes are not served yet; unmatched requests answer 404.");
                continue;
            }
            foreach (var (_, method) in resource.Methods)
            {
                var location = $"{apiLocation}, method '{method.HttpMethod} {resource.Path}'";
                var compilation = new MethodCompilation(api, resource, method, location, diagnostics, services) { Config = config };
                var policies = PolicyOrder.Build(compilation);
                var integration = IntegrationFactory.Create(compilation, server.MaxRequestBodyBytes);
                routes.Add(resource.Path, new CompiledMethod(method, resource.Path, PathParameterNames(resource.Path), policies, integration));
            }
        }
        var responses = GatewayResponseRenderer.Compile(api, apiLocation, diagnostics);
        return new CompiledApi(api, routes, responses, server.MaxRequestBodyBytes);
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
