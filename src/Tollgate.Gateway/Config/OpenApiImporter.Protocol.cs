using System.Globalization;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>
/// REST API or HTTP API: decided from what the document is, not from one key. Real files
/// mislead both ways on <c>x-amazon-apigateway-importexport-version</c> alone (SAM HTTP API
/// definitions lack it; hand-merged REST files carry it), so the importer counts the constructs
/// that exist in only one of the two models, and the config may say it outright
/// (<c>protocolType: REST|HTTP</c>).
/// </summary>
internal sealed partial class OpenApiImporter
{
    // Top-level extensions that only REST APIs have.
    private static readonly string[] RestOnlyExtensions =
    [
        "x-amazon-apigateway-api-key-source", "x-amazon-apigateway-request-validators",
        "x-amazon-apigateway-request-validator", "x-amazon-apigateway-gateway-responses",
        "x-amazon-apigateway-binary-media-types", "x-amazon-apigateway-minimum-compression-size",
    ];

    // Integration members that only REST APIs have (mapping templates, integration responses, caching).
    // Not passthroughBehavior: AWS's own HTTP API examples (x-amazon-apigateway-integrations) carry it.
    private static readonly string[] RestOnlyIntegrationMembers =
        ["requestTemplates", "responses", "contentHandling", "cacheNamespace", "cacheKeyParameters"];

    // Integration members that only HTTP APIs have.
    private static readonly string[] HttpOnlyIntegrationMembers = ["payloadFormatVersion", "integrationSubtype", "responseParameters"];

    private ApiProtocol DecideProtocol()
    {
        if (_options.Protocol is { } configured)
        {
            return configured;
        }
        var rest = new SortedSet<string>(StringComparer.Ordinal);
        var http = new SortedSet<string>(StringComparer.Ordinal);
        CollectProtocolSignals(rest, http);
        var versioned = TryExtension(_root, "", "x-amazon-apigateway-importexport-version", out _);
        if (rest.Count > 0 && http.Count > 0)
        {
            var chosen = http.Count > rest.Count || (http.Count == rest.Count && versioned) ? ApiProtocol.Http : ApiProtocol.Rest;
            _diagnostics.Warning(_label, string.Create(CultureInfo.InvariantCulture,
                $"the document has constructs of both REST APIs ({string.Join(", ", rest)}) and HTTP APIs ({string.Join(", ", http)}); " +
                $"read as {(chosen == ApiProtocol.Http ? "an HTTP API" : "a REST API")}. Set protocolType (REST or HTTP) on the API in the config to choose."));
            return chosen;
        }
        if (http.Count > 0)
        {
            return ApiProtocol.Http;
        }
        if (rest.Count > 0)
        {
            return ApiProtocol.Rest;
        }
        // Nothing decides: only HTTP API exports carry the import/export version.
        return versioned ? ApiProtocol.Http : ApiProtocol.Rest;
    }

    /// <summary>Names each construct found that exists in only one of the two models (reads only; reports nothing).</summary>
    private void CollectProtocolSignals(SortedSet<string> rest, SortedSet<string> http)
    {
        if (_root.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var name in RestOnlyExtensions)
        {
            if (_root.TryGetProperty(name, out _))
            {
                rest.Add(name);
            }
        }
        if (_root.TryGetProperty("x-amazon-apigateway-cors", out _))
        {
            http.Add("x-amazon-apigateway-cors");
        }
        if (_root.TryGetProperty("paths", out var paths) && paths.ValueKind == JsonValueKind.Object)
        {
            foreach (var path in paths.EnumerateObject())
            {
                if (path.Name == "$default")
                {
                    http.Add("the $default route");
                }
                if (QuietResolve(path.Value) is { ValueKind: JsonValueKind.Object } item)
                {
                    CollectOperationSignals(item, rest, http);
                }
            }
        }
        var schemes = _root.TryGetProperty("securityDefinitions", out var definitions) ? definitions
            : _root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Object &&
              components.TryGetProperty("securitySchemes", out var securitySchemes) ? securitySchemes : default;
        if (schemes.ValueKind == JsonValueKind.Object)
        {
            foreach (var scheme in schemes.EnumerateObject())
            {
                CollectSchemeSignals(scheme.Value, rest, http);
            }
        }
    }

    private void CollectOperationSignals(JsonElement item, SortedSet<string> rest, SortedSet<string> http)
    {
        foreach (var operation in item.EnumerateObject())
        {
            if (Array.FindIndex(Operations, o => o.Key == operation.Name) < 0 || operation.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            if (operation.Value.TryGetProperty("isDefaultRoute", out _))
            {
                http.Add("isDefaultRoute");
            }
            if (operation.Value.TryGetProperty("x-amazon-apigateway-request-validator", out _))
            {
                rest.Add("x-amazon-apigateway-request-validator");
            }
            if (!operation.Value.TryGetProperty(IntegrationField, out var raw) || QuietResolve(raw) is not { ValueKind: JsonValueKind.Object } integration)
            {
                continue;
            }
            foreach (var member in RestOnlyIntegrationMembers)
            {
                if (integration.TryGetProperty(member, out _))
                {
                    rest.Add("integration " + member);
                }
            }
            foreach (var member in HttpOnlyIntegrationMembers)
            {
                if (integration.TryGetProperty(member, out _))
                {
                    http.Add("integration " + member);
                }
            }
        }
    }

    private void CollectSchemeSignals(JsonElement raw, SortedSet<string> rest, SortedSet<string> http)
    {
        if (QuietResolve(raw) is not { ValueKind: JsonValueKind.Object } scheme)
        {
            return;
        }
        if (scheme.TryGetProperty("x-amazon-apigateway-authorizer", out var authorizer) && authorizer.ValueKind == JsonValueKind.Object)
        {
            var type = authorizer.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.ToLowerInvariant() : "";
            if (type is "token" or "cognito_user_pools")
            {
                rest.Add($"{type} authorizer");
            }
            if (type == "jwt" || authorizer.TryGetProperty("authorizerPayloadFormatVersion", out _) || authorizer.TryGetProperty("enableSimpleResponses", out _))
            {
                http.Add("HTTP API authorizer");
            }
        }
        else if (scheme.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "apiKey" &&
                 scheme.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String &&
                 string.Equals(name.GetString(), "x-api-key", StringComparison.OrdinalIgnoreCase))
        {
            rest.Add("API keys");
        }
    }

    /// <summary>Follows a local <c>$ref</c> without reporting (the readers report bad references).</summary>
    private JsonElement? QuietResolve(JsonElement element)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("$ref", out var reference))
            {
                return element;
            }
            if (reference.ValueKind != JsonValueKind.String || reference.GetString() is not { } pointer || !pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                return null;
            }
            var target = _root;
            foreach (var segment in pointer[2..].Split('/'))
            {
                if (!TryGet(target, segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out target))
                {
                    return null;
                }
            }
            element = target;
        }
        return null;
    }

    /// <summary>
    /// A version written as a string or, as AWS's own YAML examples do (<c>swagger: 2.0</c>,
    /// <c>payloadFormatVersion: 1.0</c>), as a number; a whole number reads as <c>n.0</c>.
    /// </summary>
    private string? GetVersion(JsonElement obj, string key, string where, string? field = null)
    {
        if (!TryGet(obj, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            var text = value.GetRawText();
            return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase) ? text : text + ".0";
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            WrongType(where, field ?? key, "a string", value);
            return null;
        }
        return value.GetString();
    }
}
