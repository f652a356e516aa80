using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>
/// Resolves references between the models of one API. API Gateway gives each model the URI
/// <c>https://apigateway.amazonaws.com/restapis/{api}/models/{Name}</c>; exports and imports
/// write the same reference as <c>#/definitions/Name</c> (Swagger 2) or
/// <c>#/components/schemas/Name</c> (OpenAPI 3), which a model (its own document) cannot
/// resolve locally, so those are mapped to the model's URI.
/// </summary>
internal sealed class ModelSchemaResolver(string apiId, ImmutableDictionary<string, JsonElement> models) : ISchemaResolver
{
    private const string Host = "apigateway.amazonaws.com";

    /// <summary>The URI of a model, e.g. <c>https://apigateway.amazonaws.com/restapis/petstore/models/Pet</c>.</summary>
    public static Uri ModelUri(string apiId, string modelName) =>
        new("https://" + Host + "/restapis/" + Uri.EscapeDataString(apiId) + "/models/" + Uri.EscapeDataString(modelName));

    public bool TryGetDocument(Uri documentUri, out JsonElement document)
    {
        document = default;
        var prefix = "/restapis/" + Uri.EscapeDataString(apiId) + "/models/";
        if (!string.Equals(documentUri.Host, Host, StringComparison.OrdinalIgnoreCase)
            || !documentUri.AbsolutePath.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var name = Uri.UnescapeDataString(documentUri.AbsolutePath[prefix.Length..]);
        return models.TryGetValue(name, out document);
    }

    public Uri? MapUnresolvedReference(string reference)
    {
        string? name = null;
        if (reference.StartsWith("#/definitions/", StringComparison.Ordinal))
        {
            name = reference["#/definitions/".Length..];
        }
        else if (reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            name = reference["#/components/schemas/".Length..];
        }
        if (name is null || name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }
        name = Uri.UnescapeDataString(name).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        return models.ContainsKey(name) ? ModelUri(apiId, name) : null;
    }
}
