using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>Operations: parameters, body models, security and the integration.</summary>
internal sealed partial class OpenApiImporter
{
    /// <summary>The name API Gateway's exports give the API key security scheme.</summary>
    private const string ApiKeySchemeName = "api_key";

    private Method? ReadMethod(string path, string httpMethod, JsonElement operation, string location, JsonElement? pathParameters)
    {
        var where = $"{_label}, path '{path}', method '{httpMethod}'";
        if (operation.ValueKind != JsonValueKind.Object)
        {
            _diagnostics.Error(where, $"an operation must be an object, not {Describe(operation.ValueKind)}.");
            return null;
        }

        var (parameters, models) = ReadParameters(operation, pathParameters, where);
        if (_isOpenApi3)
        {
            models = ReadRequestBody(operation, where);
        }
        var method = new Method
        {
            HttpMethod = httpMethod,
            OperationName = GetString(operation, "operationId", where, "operationId"),
            RequestParameters = parameters,
            RequestModels = models,
        };
        method = ApplySecurity(method, operation, where);

        if (TryExtension(operation, location, "x-amazon-apigateway-request-validator", out var validator))
        {
            if (validator.ValueKind == JsonValueKind.String)
            {
                method = method with { RequestValidatorId = validator.GetString() };
            }
            else
            {
                WrongType(where, "x-amazon-apigateway-request-validator", "a string", validator);
            }
        }

        if (TryExtension(operation, location, "x-amazon-apigateway-integration", out var integration))
        {
            method = method with { Integration = ReadIntegration(integration, where, Join(location, "x-amazon-apigateway-integration")) };
        }
        else
        {
            _diagnostics.Warning(where, "no x-amazon-apigateway-integration; requests to this method get 500, as in API Gateway.");
        }
        return method;
    }

    /// <summary>
    /// Merges path-item and operation parameters (the operation's win, keyed by name and location)
    /// into <c>method.request.{path|querystring|header}.name</c>. Path parameters are always required.
    /// A Swagger 2 <c>in: body</c> parameter gives the request models.
    /// </summary>
    private (ImmutableDictionary<string, bool> Parameters, ImmutableDictionary<string, string> Models) ReadParameters(
        JsonElement operation, JsonElement? pathParameters, string where)
    {
        var merged = new List<(string In, string Name, JsonElement Parameter)>();
        foreach (var list in new[] { pathParameters, GetArray(operation, "parameters", where, "parameters") })
        {
            if (list is not { } items)
            {
                continue;
            }
            foreach (var raw in items.EnumerateArray())
            {
                if (Resolve(raw, where) is not { } parameter)
                {
                    continue;
                }
                var name = GetString(parameter, "name", where, "parameter name");
                var location = GetString(parameter, "in", where, $"parameter '{name}': in");
                if (name is null || location is null)
                {
                    _diagnostics.Error(where, "a parameter needs 'name' and 'in'.");
                    continue;
                }
                merged.RemoveAll(p => p.In == location && p.Name == name);
                merged.Add((location, name, parameter));
            }
        }

        var parameters = ImmutableDictionary.CreateBuilder<string, bool>(StringComparer.Ordinal);
        var models = ImmutableDictionary<string, string>.Empty;
        foreach (var (location, name, parameter) in merged)
        {
            var required = GetBool(parameter, "required", where, $"parameter '{name}': required") ?? false;
            switch (location)
            {
                case "path":
                    parameters["method.request.path." + name] = true;
                    break;
                case "query":
                    parameters["method.request.querystring." + name] = required;
                    break;
                case "header":
                    parameters["method.request.header." + name] = required;
                    break;
                case "body" when !_isOpenApi3:
                    models = ReadBodyParameter(operation, parameter, where);
                    break;
                case "body":
                    // Not OpenAPI 3 (bodies are requestBody there), yet API Gateway imports such files with a warning.
                    _diagnostics.Warning(where, $"parameter '{name}' in 'body' is not OpenAPI 3 (use requestBody); ignored, as API Gateway's import does.");
                    break;
                case "formData" or "cookie":
                    _diagnostics.Warning(where, $"parameter '{name}' in '{location}': API Gateway has no {location} parameters; ignored.");
                    break;
                default:
                    _diagnostics.Error(where, $"parameter '{name}': in '{location}' is not one of path, query, header{(_isOpenApi3 ? "" : ", body")}.");
                    break;
            }
        }
        return (parameters.ToImmutable(), models);
    }

    /// <summary>Swagger 2: the body schema applies to each media type the operation consumes.</summary>
    private ImmutableDictionary<string, string> ReadBodyParameter(JsonElement operation, JsonElement parameter, string where)
    {
        if (ModelName(parameter, "body parameter", where) is not { } model)
        {
            return ImmutableDictionary<string, string>.Empty;
        }
        var consumes = GetStringArray(operation, "consumes", where, "consumes");
        if (consumes.IsEmpty)
        {
            consumes = GetStringArray(_root, "consumes", _label, "consumes");
        }
        if (consumes.IsEmpty)
        {
            consumes = ["application/json"]; // API Gateway's default content type
        }
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var contentType in consumes)
        {
            builder[contentType] = model;
        }
        return builder.ToImmutable();
    }

    /// <summary>OpenAPI 3: <c>requestBody.content.{type}.schema.$ref</c> per media type.</summary>
    private ImmutableDictionary<string, string> ReadRequestBody(JsonElement operation, string where)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (!TryGet(operation, "requestBody", out var raw) || Resolve(raw, where) is not { } body ||
            GetObject(body, "content", where, "requestBody.content") is not { } content)
        {
            return builder.ToImmutable();
        }
        foreach (var media in content.EnumerateObject())
        {
            if (ModelName(media.Value, $"requestBody.content['{media.Name}']", where) is { } model)
            {
                builder[media.Name] = model;
            }
        }
        return builder.ToImmutable();
    }

    /// <summary>The model a <c>schema</c> refers to; null (with a warning) for an inline schema.</summary>
    private string? ModelName(JsonElement holder, string what, string where)
    {
        if (!TryGet(holder, "schema", out var schema))
        {
            return null;
        }
        if (!TryGet(schema, "$ref", out var reference))
        {
            _diagnostics.Warning(where, $"{what}: the schema is inline; only named models (definitions, components.schemas) are kept, so the body is not validated.");
            return null;
        }
        var prefix = _isOpenApi3 ? "#/components/schemas/" : "#/definitions/";
        var text = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : reference.GetRawText();
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || text.Length == prefix.Length)
        {
            _diagnostics.Error(where, $"{what}: schema $ref '{text}' does not name a model under {prefix[2..^1].Replace('/', '.')}.");
            return null;
        }
        return text[prefix.Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }

    /// <summary>
    /// Applies the operation's <c>security</c> (or the document's, when the operation has none; an
    /// empty list means none). API Gateway exports write one requirement object per scheme and means
    /// all of them (API key and authorizer), so every listed scheme applies.
    /// </summary>
    private Method ApplySecurity(Method method, JsonElement operation, string where)
    {
        if (!TryGet(operation, "security", out var security) && !TryGet(_root, "security", out security))
        {
            return method;
        }
        if (security.ValueKind != JsonValueKind.Array)
        {
            WrongType(where, "security", "a list", security);
            return method;
        }
        foreach (var requirement in security.EnumerateArray())
        {
            if (requirement.ValueKind != JsonValueKind.Object)
            {
                WrongType(where, "security[]", "an object", requirement);
                continue;
            }
            foreach (var entry in requirement.EnumerateObject())
            {
                if (!_schemes.TryGetValue(entry.Name, out var scheme))
                {
                    // API Gateway imports such files with a warning; a requirement named api_key (the name
                    // of its own API key scheme) still makes the method require an API key.
                    var apiKey = entry.Name == ApiKeySchemeName;
                    _diagnostics.Warning(where, $"security requirement '{entry.Name}' is not defined in {(_isOpenApi3 ? "components.securitySchemes" : "securityDefinitions")}; " +
                        (apiKey ? "read as API Gateway's API key scheme: the method requires an API key." : "ignored, as API Gateway's import does."));
                    if (apiKey)
                    {
                        method = method with { ApiKeyRequired = true };
                    }
                    continue;
                }
                method = ApplyScheme(method, scheme, requirement, entry.Name, where);
            }
        }
        return method;
    }

    private Method ApplyScheme(Method method, SecurityScheme scheme, JsonElement requirement, string name, string where)
    {
        if (scheme.IsApiKey)
        {
            return method with { ApiKeyRequired = true };
        }
        var type = scheme.AuthorizationType;
        if (type is null)
        {
            return method; // reported where the scheme is defined
        }
        if (method.AuthorizationType != "NONE")
        {
            _diagnostics.Error(where, $"more than one authorization ('{method.AuthorizerId ?? method.AuthorizationType}' and '{name}'); API Gateway allows one per method.");
            return method;
        }
        return method with
        {
            AuthorizationType = type,
            AuthorizerId = scheme.Authorizer is null ? null : name,
            AuthorizationScopes = GetStringArray(requirement, name, where, $"security['{name}']"),
        };
    }
}
