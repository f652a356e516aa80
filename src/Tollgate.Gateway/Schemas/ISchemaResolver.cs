using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// Supplies the schemas that a <c>$ref</c> names outside the document being compiled. The
/// compiler never fetches anything itself: whatever is not local comes from here, once, at
/// compile time. API Gateway's models are served by <c>ModelSchemaResolver</c> (the API models' resolver, in Policies/Validation).
/// </summary>
internal interface ISchemaResolver
{
    /// <summary>The document at an absolute URI without fragment, e.g. a model's URI.</summary>
    bool TryGetDocument(Uri documentUri, out JsonElement document);

    /// <summary>
    /// A place for a reference that the document it is written in cannot resolve, or null.
    /// API Gateway models refer to each other as <c>#/definitions/Name</c> (Swagger 2) or
    /// <c>#/components/schemas/Name</c> (OpenAPI 3) although each model is its own document.
    /// </summary>
    Uri? MapUnresolvedReference(string reference) => null;
}
