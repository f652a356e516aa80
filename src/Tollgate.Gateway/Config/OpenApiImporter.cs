using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>What an OpenAPI document imports to: the API and the stage its base path names, if any.</summary>
/// <param name="Api">The API; partial when the diagnostics hold errors.</param>
/// <param name="BasePathStage">The stage from Swagger <c>basePath</c> or the OpenAPI 3 server variable <c>basePath</c>; null if none.</param>
internal sealed record OpenApiImport(Api Api, string? BasePathStage);

/// <summary>What the importer needs besides the document: the account it is imported into and an explicit protocol.</summary>
internal sealed record ImportOptions
{
    /// <summary>Nothing configured: the protocol is read from the document, the region is <c>us-east-1</c>.</summary>
    public static ImportOptions Default { get; } = new();

    /// <summary><c>protocolType</c> of the API in the config; null: decided from the document's constructs.</summary>
    public ApiProtocol? Protocol { get; init; }

    /// <summary>The region <c>${AWS::Region}</c> stands for; null: <c>us-east-1</c>.</summary>
    public string? Region { get; init; }

    /// <summary>The account <c>${AWS::AccountId}</c> stands for.</summary>
    public string AccountId { get; init; } = GatewayConfig.DefaultAccountId;
}

/// <summary>
/// Imports a Swagger 2.0 or OpenAPI 3.0 document (an API Gateway export) into <see cref="Api"/>.
/// It reads the JSON DOM directly rather than through an OpenAPI object model: exports mix
/// versions, and every <c>x-amazon-apigateway-*</c> extension must be kept as written, with where
/// it stood. Problems are collected with the object they are in; bad input never throws.
/// </summary>
internal sealed partial class OpenApiImporter
{
    private static readonly (string Key, string Method)[] Operations =
    [
        ("get", "GET"), ("put", "PUT"), ("post", "POST"), ("delete", "DELETE"), ("patch", "PATCH"),
        ("head", "HEAD"), ("options", "OPTIONS"), ("x-amazon-apigateway-any-method", "ANY"),
    ];

    private readonly JsonElement _root;
    private readonly string _label;
    private readonly DiagnosticBag _diagnostics;
    private readonly ImportOptions _options;
    // Extensions read, and other members reported already: the final sweep skips them.
    private readonly HashSet<(string Location, string Name)> _consumed = [];

    // Operations (including x-amazon-apigateway-any-method): the sweep looks inside them.
    private readonly HashSet<(string Location, string Name)> _operations = [];
    private readonly List<ExtensionValue> _extensions = [];
    private readonly Dictionary<string, SecurityScheme> _schemes = new(StringComparer.Ordinal);
    private bool _isOpenApi3;
    private ApiProtocol _protocol = ApiProtocol.Rest;

    private OpenApiImporter(JsonElement root, string label, DiagnosticBag diagnostics, ImportOptions options)
    {
        _root = root;
        _label = label;
        _diagnostics = diagnostics;
        _options = options;
    }

    /// <summary>
    /// Imports <paramref name="document"/> as the API <paramref name="apiId"/>. <paramref name="label"/>
    /// names the document in diagnostics, e.g. <c>definition 'orders.json'</c>.
    /// </summary>
    public static OpenApiImport Import(JsonElement document, string apiId, string label, DiagnosticBag diagnostics) =>
        Import(document, apiId, label, diagnostics, ImportOptions.Default);

    /// <summary>As <see cref="Import(JsonElement, string, string, DiagnosticBag)"/>, with the config's protocol, region and account.</summary>
    public static OpenApiImport Import(JsonElement document, string apiId, string label, DiagnosticBag diagnostics, ImportOptions options) =>
        new OpenApiImporter(document, label, diagnostics, options).Run(apiId);

    /// <summary>Whether <paramref name="document"/> is an OpenAPI or Swagger document rather than a Tollgate config.</summary>
    public static bool IsOpenApiDocument(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object &&
        (document.TryGetProperty("openapi", out _) || document.TryGetProperty("swagger", out _));

    private OpenApiImport Run(string apiId)
    {
        if (_root.ValueKind != JsonValueKind.Object)
        {
            _diagnostics.Error(_label, $"an OpenAPI document must be an object, not {Describe(_root.ValueKind)}.");
            return new OpenApiImport(new Api { Id = apiId }, null);
        }
        ReadVersion();

        var api = new Api
        {
            Id = apiId,
            Name = TryGet(_root, "info", out var info) ? GetString(info, "title", _label, "info.title") ?? "" : "",
            Protocol = _protocol,
            Models = ReadModels(),
            Authorizers = ReadSecuritySchemes(),
        };
        api = ReadApiExtensions(api);
        api = api with { Resources = ReadResources() };
        var stage = ReadBasePathStage();

        SweepExtensions(_root, "", "");
        return new OpenApiImport(api with { Extensions = [.. _extensions] }, stage);
    }

    private void ReadVersion()
    {
        // AWS's own examples write the versions unquoted in YAML (swagger: 2.0): numbers are accepted.
        if (GetVersion(_root, "openapi", _label) is { } openapi)
        {
            _isOpenApi3 = true;
            if (!openapi.StartsWith("3.0", StringComparison.Ordinal))
            {
                _diagnostics.Warning(_label, $"openapi '{openapi}': API Gateway imports OpenAPI 3.0; read as 3.0.");
            }
        }
        else if (GetVersion(_root, "swagger", _label) is { } swagger)
        {
            if (swagger != "2.0")
            {
                _diagnostics.Warning(_label, $"swagger '{swagger}': read as Swagger 2.0.");
            }
        }
        else
        {
            _diagnostics.Error(_label, "the document has neither 'swagger: \"2.0\"' nor 'openapi: 3.0.x' at the top level.");
        }
        _protocol = DecideProtocol();
    }

    /// <summary>Gets an extension and marks it read, so that the final sweep does not report it.</summary>
    private bool TryExtension(JsonElement obj, string location, string name, out JsonElement value)
    {
        if (!TryGet(obj, name, out value))
        {
            return false;
        }
        _consumed.Add((location, name));
        return true;
    }

    private ImmutableDictionary<string, JsonElement> ReadModels()
    {
        var models = _isOpenApi3
            ? TryGet(_root, "components", out var components) ? GetObject(components, "schemas", _label, "components.schemas") : null
            : GetObject(_root, "definitions", _label, "definitions");
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        if (models is { } found)
        {
            foreach (var model in found.EnumerateObject())
            {
                builder[model.Name] = model.Value.Clone();
            }
        }
        return builder.ToImmutable();
    }

    private ImmutableArray<Resource> ReadResources()
    {
        if (GetObject(_root, "paths", _label, "paths") is not { } paths)
        {
            _diagnostics.Warning(_label, "the document has no paths.");
            return [];
        }
        var resources = ImmutableArray.CreateBuilder<Resource>();
        foreach (var entry in paths.EnumerateObject())
        {
            if (entry.Name.StartsWith("x-", StringComparison.Ordinal))
            {
                continue; // an extension of the Paths object; the sweep keeps it
            }
            var where = $"{_label}, path '{entry.Name}'";
            _consumed.Add(("paths", entry.Name)); // the sweep looks inside only the paths imported below
            if (!entry.Name.StartsWith('/') && entry.Name != "$default")
            {
                _diagnostics.Error(where, "a path must start with '/'.");
                continue;
            }
            if (entry.Name == "$default" && _protocol != ApiProtocol.Http)
            {
                _diagnostics.Error(where, "the '$default' route exists only in HTTP APIs, and this document is read as a REST API (protocolType).");
                continue;
            }
            if (Resolve(entry.Value, where) is not { } item || item.ValueKind != JsonValueKind.Object)
            {
                _diagnostics.Error(where, $"a path item must be an object, not {Describe(entry.Value.ValueKind)}.");
                continue;
            }
            _consumed.Remove(("paths", entry.Name));
            var path = IsExportedDefaultRoute(entry.Name, item) ? "$default" : entry.Name;
            resources.Add(new Resource { Path = path, Methods = ReadMethods(path, item, Join("paths", entry.Name)) });
        }
        return resources.ToImmutable();
    }

    /// <summary>
    /// AWS exports an HTTP API's <c>$default</c> route as the path <c>/$default</c> with
    /// <c>x-amazon-apigateway-any-method</c> marked <c>isDefaultRoute: true</c>; it imports as that route.
    /// </summary>
    private bool IsExportedDefaultRoute(string path, JsonElement item) =>
        path == "/$default" && _protocol == ApiProtocol.Http &&
        TryGet(item, "x-amazon-apigateway-any-method", out var any) && TryGet(any, "isDefaultRoute", out var flag) &&
        (flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.String && string.Equals(flag.GetString(), "true", StringComparison.OrdinalIgnoreCase)));

    private ImmutableDictionary<string, Method> ReadMethods(string path, JsonElement item, string location)
    {
        var where = $"{_label}, path '{path}'";
        var pathParameters = GetArray(item, "parameters", where, "parameters");
        var methods = ImmutableDictionary.CreateBuilder<string, Method>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            var httpMethod = Array.Find(Operations, o => o.Key == property.Name).Method;
            if (httpMethod is not null)
            {
                _operations.Add((location, property.Name));
                if (ReadMethod(path, httpMethod, property.Value, Join(location, property.Name), pathParameters) is { } method)
                {
                    methods[httpMethod] = method;
                }
            }
            else if (property.Name == "trace")
            {
                _consumed.Add((location, property.Name)); // reported here, not again by the sweep
                _diagnostics.Warning(where, "API Gateway has no TRACE methods; 'trace' ignored.");
            }
            else if (property.Name is not ("parameters" or "summary" or "description" or "servers" or "$ref") &&
                     !property.Name.StartsWith("x-", StringComparison.Ordinal))
            {
                _consumed.Add((location, property.Name));
                _diagnostics.Warning(where, $"'{property.Name}' is not an HTTP method or path item field; ignored.");
            }
        }
        return methods.ToImmutable();
    }

    /// <summary>
    /// Swagger's <c>basePath</c> or OpenAPI 3's <c>servers[0].variables.basePath.default</c> names the
    /// stage the export was taken from: <c>/prod</c> is stage <c>prod</c>; <c>/</c> or none is no stage.
    /// </summary>
    private string? ReadBasePathStage()
    {
        string? basePath;
        string field;
        if (_isOpenApi3)
        {
            field = "servers[0].variables.basePath.default";
            basePath = GetArray(_root, "servers", _label, "servers") is { } servers && servers.GetArrayLength() > 0 &&
                       TryGet(servers[0], "variables", out var variables) && TryGet(variables, "basePath", out var variable)
                ? GetString(variable, "default", _label, field)
                : null;
        }
        else
        {
            field = "basePath";
            basePath = GetString(_root, "basePath", _label, field);
        }
        var stage = basePath?.Trim('/');
        if (string.IsNullOrEmpty(stage))
        {
            return null;
        }
        var fallback = _protocol == ApiProtocol.Http ? Routing.RequestRouter.DefaultStageName : ConfigLoader.DefaultStage;
        if (stage.Contains('/', StringComparison.Ordinal))
        {
            _diagnostics.Warning(_label, $"{field} '{basePath}' is not a single stage name; no stage taken from it (stage '{fallback}').");
            return null;
        }
        if (!IsStageName(stage))
        {
            // e.g. "/${environment}" from a templated file: API Gateway ignores basePath on import by default.
            _diagnostics.Warning(_label, $"{field} '{basePath}' is not a valid stage name (letters, digits, '-' and '_', at most 128); ignored, as API Gateway's import does, and served under the default stage '{fallback}'.");
            return null;
        }
        return stage;
    }

    private static bool IsStageName(string name)
    {
        if (name.Length > 128)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
