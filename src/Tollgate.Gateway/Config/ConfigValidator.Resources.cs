using System.Text.RegularExpressions;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>Resources, methods and integrations.</summary>
internal static partial class ConfigValidator
{
    private static void ValidateResources(Api api, DiagnosticBag diagnostics)
    {
        // Under each parent path, the name of the one variable child seen first, and its resource.
        var variableChildren = new Dictionary<string, (string Variable, string Path)>(StringComparer.Ordinal);
        foreach (var resource in api.Resources)
        {
            var where = $"API '{api.Id}', path '{resource.Path}'";
            if (resource.Path != "$default")
            {
                ValidatePath(api, resource.Path, where, variableChildren, diagnostics);
            }
            foreach (var method in resource.Methods.Values.OrderBy(m => m.HttpMethod, StringComparer.Ordinal))
            {
                ValidateMethod(api, resource, method, $"API '{api.Id}', method '{method.HttpMethod} {resource.Path}'", diagnostics);
            }
        }
        if (api.DefaultRequestValidator is { } validator && !api.RequestValidators.ContainsKey(validator))
        {
            diagnostics.Error($"API '{api.Id}'", $"default request validator '{validator}' is not defined in x-amazon-apigateway-request-validators.");
        }
    }

    /// <summary>
    /// A path is <c>/</c> or <c>/</c>-separated segments, each literal or a whole <c>{name}</c>;
    /// <c>{name+}</c> only last. API Gateway refuses two different variables under one parent
    /// (<c>/pets/{id}</c> beside <c>/pets/{petId}</c>): a REST API is a tree of resources.
    /// </summary>
    private static void ValidatePath(
        Api api, string path, string where, Dictionary<string, (string Variable, string Path)> variableChildren, DiagnosticBag diagnostics)
    {
        if (!path.StartsWith('/'))
        {
            diagnostics.Error(where, "a path must start with '/'.");
            return;
        }
        if (path == "/")
        {
            return;
        }
        var segments = path[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                diagnostics.Error(where, "the path has an empty segment ('//' or a trailing '/').");
                return;
            }
            var isVariable = segment.StartsWith('{') && segment.EndsWith('}');
            if (!isVariable)
            {
                if (segment.Contains('{', StringComparison.Ordinal) || segment.Contains('}', StringComparison.Ordinal))
                {
                    diagnostics.Error(where, $"segment '{segment}': a path variable must be a whole segment, '{{name}}' or '{{name+}}'.");
                }
                continue;
            }
            var name = segment[1..^1];
            var greedy = name.EndsWith('+');
            if (!VariableName().IsMatch(greedy ? name[..^1] : name))
            {
                diagnostics.Error(where, $"segment '{segment}': a path variable name is letters, digits, '.', '-' and '_'.");
            }
            if (greedy && i != segments.Length - 1)
            {
                diagnostics.Error(where, $"the greedy variable '{segment}' must be the last segment.");
            }
            if (api.Protocol != ApiProtocol.Rest)
            {
                continue; // HTTP API routes are a flat list, not a tree
            }
            var parent = "/" + string.Join('/', segments[..i]);
            if (!variableChildren.TryAdd(parent, (segment, path)) && variableChildren[parent].Variable != segment)
            {
                var (other, otherPath) = variableChildren[parent];
                diagnostics.Error(where, $"variable '{segment}' is a sibling of '{other}' (path '{otherPath}'); API Gateway allows one variable path part under '{parent}'.");
            }
        }
    }

    private static void ValidateMethod(Api api, Resource resource, Method method, string where, DiagnosticBag diagnostics)
    {
        if (method.AuthorizerId is { } authorizer && !api.Authorizers.ContainsKey(authorizer))
        {
            diagnostics.Error(where, $"authorizer '{authorizer}' is not defined.");
        }
        if (method.RequestValidatorId is { } validator && !api.RequestValidators.ContainsKey(validator))
        {
            diagnostics.Error(where, $"request validator '{validator}' is not defined in x-amazon-apigateway-request-validators.");
        }
        foreach (var (contentType, model) in method.RequestModels.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!api.Models.ContainsKey(model))
            {
                diagnostics.Error(where, $"model '{model}' (request body '{contentType}') is not defined.");
            }
        }
        if (method.Integration is { } integration)
        {
            ValidateIntegrationUri(resource, method, integration, where, diagnostics);
        }
    }

    private static void ValidateIntegrationUri(Resource resource, Method method, Integration integration, string where, DiagnosticBag diagnostics)
    {
        if (integration.Type == IntegrationType.Mock)
        {
            return;
        }
        if (string.IsNullOrEmpty(integration.Uri))
        {
            diagnostics.Error(where, $"a {TypeName(integration.Type)} integration needs a uri.");
            return;
        }
        var uri = integration.Uri;

        // ${stageVariables.name}: only the syntax is checked; the value comes with the stage.
        if (StageVariableTemplate.Parse(uri, out var syntax) is not { } template)
        {
            diagnostics.Error(where, $"integration uri '{uri}': {syntax}.");
            return;
        }
        var withoutStageVariables = StandIns(template);

        foreach (Match placeholder in PathPlaceholder().Matches(withoutStageVariables))
        {
            var name = placeholder.Groups[1].Value;
            if (!integration.RequestParameters.ContainsKey("integration.request.path." + name) &&
                !method.RequestParameters.ContainsKey("method.request.path." + name) &&
                !resource.Path.Contains("{" + name + "}", StringComparison.Ordinal) &&
                !resource.Path.Contains("{" + name + "+}", StringComparison.Ordinal))
            {
                diagnostics.Error(where, $"integration uri placeholder '{{{name}}}' is neither mapped by integration.request.path.{name} nor a path parameter of the method.");
            }
        }

        if (integration.Type is IntegrationType.Http or IntegrationType.HttpProxy &&
            !uri.StartsWith("${stageVariables.", StringComparison.Ordinal)) // the variable supplies scheme and host
        {
            var candidate = PathPlaceholder().Replace(withoutStageVariables, "placeholder");
            if (!Uri.TryCreate(candidate, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.Host.Length == 0)
            {
                diagnostics.Error(where, $"integration uri '{uri}' is not an absolute http:// or https:// URL.");
            }
        }
    }

    private static string TypeName(IntegrationType type) => type switch
    {
        IntegrationType.Http => "HTTP",
        IntegrationType.HttpProxy => "HTTP_PROXY",
        IntegrationType.Aws => "AWS",
        IntegrationType.AwsProxy => "AWS_PROXY",
        _ => "MOCK",
    };

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex VariableName();

    /// <summary>The text with each stage variable replaced by a stand-in, for the checks of its shape.</summary>
    private static string StandIns(StageVariableTemplate template)
    {
        var sb = new System.Text.StringBuilder(template.Text.Length);
        foreach (var segment in template.Segments)
        {
            sb.Append(segment.IsVariable ? "stagevariable" : segment.Text);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex PathPlaceholder();
}
