using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Templates;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// Compiles mapping templates once per snapshot and renders them per request. A syntax error is
/// a config error naming the API, method, content type, line and column; a failure while
/// rendering is a 500 <c>{"message": "Internal server error"}</c> and a log line, never a crash.
/// </summary>
internal static class MappingTemplates
{
    /// <summary>
    /// Parses templates keyed by content type, in a stable order. Undefined references render as
    /// nothing, as in API Gateway. Templates with syntax errors are reported and left out.
    /// </summary>
    public static (string ContentType, VelocityTemplate Template)[] Compile(
        IReadOnlyDictionary<string, string> templates, string location, string kind, DiagnosticBag diagnostics)
    {
        if (templates.Count == 0)
        {
            return [];
        }
        var keys = new List<string>(templates.Keys);
        keys.Sort(StringComparer.Ordinal);
        var result = new List<(string, VelocityTemplate)>(keys.Count);
        foreach (var contentType in keys)
        {
            var parsed = VelocityTemplate.Parse(templates[contentType], NullReferenceRendering.Empty);
            if (parsed.Template is { } template)
            {
                result.Add((contentType, template));
                continue;
            }
            foreach (var error in parsed.Errors)
            {
                diagnostics.Error($"{location}, {kind} '{contentType}'", error.ToString() + ".");
            }
        }
        return [.. result];
    }

    /// <summary>Renders a template; null after logging when it fails at run time.</summary>
    public static string? Render(VelocityTemplate template, MappingScope scope, RequestContext context, ILogger logger, string location, string kind)
    {
        var output = new StringBuilder(256);
        var result = template.Render(scope, output);
        if (result.Success)
        {
            return output.ToString();
        }
        context.IntegrationError = $"{kind} failed: {result.Error}";
        logger.LogError("{RequestId} {Location}: the {Kind} failed: {Error}", context.RequestId, location, kind, result.Error);
        return null;
    }

    /// <summary>The failure a request gets when a template cannot be rendered (API Gateway: 500 Internal server error).</summary>
    public static GatewayError RenderFailed => GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
}
