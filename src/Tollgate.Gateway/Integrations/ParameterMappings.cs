using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations;

/// <summary>An integration's <c>requestParameters</c>, compiled and split by destination.</summary>
internal sealed class ParameterMappings
{
    public Dictionary<string, ParameterSource> Path { get; } = new(StringComparer.Ordinal);

    public List<(string Name, ParameterSource Source)> QueryString { get; } = [];

    public List<(string Name, ParameterSource Source)> Headers { get; } = [];

    public static ParameterMappings Compile(IReadOnlyDictionary<string, string> requestParameters, string location, DiagnosticBag diagnostics)
    {
        var result = new ParameterMappings();
        foreach (var (target, expression) in requestParameters)
        {
            var source = ParameterSource.Parse(expression, out var error);
            if (source is null)
            {
                diagnostics.Error(location, $"request parameter '{target}': {error}.");
                continue;
            }
            if (TryStrip(target, "integration.request.path.", out var path))
            {
                result.Path[path] = source;
            }
            else if (TryStrip(target, "integration.request.querystring.", out var query))
            {
                result.QueryString.Add((query, source));
            }
            else if (TryStrip(target, "integration.request.header.", out var header))
            {
                result.Headers.Add((header, source));
            }
            else
            {
                diagnostics.Error(location, $"request parameter '{target}' must be integration.request.{{path|querystring|header}}.name.");
            }
        }
        return result;
    }

    private static bool TryStrip(string value, string prefix, out string rest)
    {
        rest = value.StartsWith(prefix, StringComparison.Ordinal) ? value[prefix.Length..] : "";
        return rest.Length > 0;
    }
}
