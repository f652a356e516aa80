using System.Text.RegularExpressions;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// Checks a <see cref="GatewayConfig"/> against API Gateway's rules and limits, collecting every
/// problem with the object it is in (<c>API 'petstore', method 'GET /pets/{id}': authorizer 'jwt'
/// is not defined.</c>). Run by <see cref="ConfigLoader"/> after import; other config sources (the
/// admin API's store) run it too.
/// </summary>
internal static partial class ConfigValidator
{
    /// <summary>API Gateway's limit: 100 stage variables per stage.</summary>
    public const int MaxStageVariables = 100;

    /// <summary>API Gateway's limit on a stage variable value: 512 characters.</summary>
    public const int MaxStageVariableValueLength = 512;

    public static void Validate(GatewayConfig config, DiagnosticBag diagnostics)
    {
        ValidateServer(config.Server, diagnostics);
        var apis = new Dictionary<string, Api>(StringComparer.Ordinal);
        foreach (var api in config.Apis)
        {
            if (!apis.TryAdd(api.Id, api))
            {
                diagnostics.Error($"API '{api.Id}'", "the API id is used more than once.");
            }
            ValidateStages(api, diagnostics);
            ValidateResources(api, diagnostics);
            ValidateHttpApi(api, diagnostics);
        }
        ValidateDomainNames(config, apis, diagnostics);
    }

    private static void ValidateServer(ServerSettings server, DiagnosticBag diagnostics)
    {
        if (server.MaxRequestBodyBytes <= 0)
        {
            diagnostics.Error("server", $"maxRequestBodyBytes must be positive, not {server.MaxRequestBodyBytes}.");
        }
        if (server.MaxTemplateMemoryBytes <= 0)
        {
            diagnostics.Error("server", $"maxTemplateMemoryBytes must be positive, not {server.MaxTemplateMemoryBytes}.");
        }
        if (server.DrainTimeout < TimeSpan.Zero)
        {
            diagnostics.Error("server", "drainTimeoutSeconds must be 0 or more.");
        }
        foreach (var protocol in server.UpgradeProtocols)
        {
            if (!Forwarding.HeaderRules.IsFieldName(protocol))
            {
                diagnostics.Error("server", $"upgradeProtocols: '{protocol}' is not a protocol name (a token such as 'websocket').");
            }
            else if (string.Equals(protocol, "h2c", StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Error("server", "upgradeProtocols: 'h2c' cannot be tunnelled; backends are reached over HTTP/2 by ALPN (https://) only.");
            }
        }
        foreach (var url in server.Listen)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                diagnostics.Error("server", $"listen '{url}' is not an http:// or https:// URL.");
            }
        }
    }

    private static void ValidateStages(Api api, DiagnosticBag diagnostics)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in api.Stages)
        {
            var where = $"API '{api.Id}', stage '{stage.StageName}'";
            // HTTP APIs have a "$default" stage, served without a stage prefix.
            if (!StageName().IsMatch(stage.StageName) && !(api.Protocol == ApiProtocol.Http && stage.StageName == "$default"))
            {
                diagnostics.Error(where, "a stage name must be 1 to 128 letters, digits, '-' or '_'.");
            }
            if (!names.Add(stage.StageName))
            {
                diagnostics.Error(where, "the stage name is used more than once.");
            }
            if (stage.Variables.Count > MaxStageVariables)
            {
                diagnostics.Error(where, $"{stage.Variables.Count} stage variables; at most {MaxStageVariables}.");
            }
            foreach (var (name, value) in stage.Variables.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                if (!StageVariableName().IsMatch(name))
                {
                    diagnostics.Error(where, $"stage variable name '{name}' must be 1 to 64 letters, digits or '_'.");
                }
                if (value.Length > MaxStageVariableValueLength)
                {
                    diagnostics.Error(where, $"stage variable '{name}' is {value.Length} characters; at most {MaxStageVariableValueLength}.");
                }
                else if (!StageVariableValue().IsMatch(value))
                {
                    diagnostics.Error(where, $"stage variable '{name}' value '{value}' may only hold letters, digits and -._~:/?#&=,");
                }
            }
        }
    }

    private static void ValidateDomainNames(GatewayConfig config, Dictionary<string, Api> apis, DiagnosticBag diagnostics)
    {
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var domain in config.DomainNames)
        {
            var where = $"domain name '{domain.Name}'";
            if (!HostName().IsMatch(domain.Name) || domain.Name.Length > 253)
            {
                diagnostics.Error(where, "not a valid host name (labels of letters, digits and '-', optionally '*.' first).");
            }
            if (!domains.Add(domain.Name))
            {
                diagnostics.Error(where, "the domain name is declared more than once.");
            }
            var basePaths = new HashSet<string>(StringComparer.Ordinal);
            foreach (var mapping in domain.BasePathMappings)
            {
                var at = $"{where}, base path '{(mapping.BasePath.Length == 0 ? "(none)" : mapping.BasePath)}'";
                if (mapping.BasePath.Length > 0 && !BasePath().IsMatch(mapping.BasePath))
                {
                    diagnostics.Error(at, "a base path is segments of letters, digits and ._~- separated by '/'.");
                }
                if (!basePaths.Add(mapping.BasePath))
                {
                    diagnostics.Error(at, "the base path is mapped more than once.");
                }
                if (!apis.TryGetValue(mapping.RestApiId, out var api))
                {
                    diagnostics.Error(at, $"API '{mapping.RestApiId}' is not defined.");
                }
                else if (!api.Stages.Any(s => s.StageName == mapping.Stage))
                {
                    diagnostics.Error(at, $"API '{mapping.RestApiId}' has no stage '{mapping.Stage}'.");
                }
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex StageName();

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex StageVariableName();

    [GeneratedRegex("^[A-Za-z0-9._~:/?#&=,-]*$")]
    private static partial Regex StageVariableValue();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();

    [GeneratedRegex("^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")]
    private static partial Regex BasePath();
}
