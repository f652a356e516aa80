using System.Collections.Immutable;
using System.Text.Json;

namespace Tollgate.Gateway.Model;

/// <summary>Whether an API follows API Gateway's REST API (v1) or HTTP API (v2) model.</summary>
public enum ApiProtocol
{
    /// <summary>REST API (v1): resources, methods, mapping templates, gateway responses.</summary>
    Rest,

    /// <summary>HTTP API (v2): route keys, <c>$default</c> route and stage.</summary>
    Http,
}

/// <summary>Where a method that requires an API key finds it.</summary>
public enum ApiKeySource
{
    /// <summary>The <c>x-api-key</c> request header (API Gateway's default).</summary>
    Header,

    /// <summary>The <c>usageIdentifierKey</c> returned by a Lambda authorizer.</summary>
    Authorizer,
}

/// <summary>
/// One API, as imported from an OpenAPI export with its <c>x-amazon-apigateway-*</c> extensions.
/// Everything the export says is kept, including what Tollgate does not serve yet.
/// </summary>
public sealed record Api
{
    /// <summary>The API id: the name given in the Tollgate config, used in routing and ARNs.</summary>
    public required string Id { get; init; }

    /// <summary>The API's title (<c>info.title</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>REST (v1) or HTTP (v2).</summary>
    public ApiProtocol Protocol { get; init; } = ApiProtocol.Rest;

    /// <summary>The resources (OpenAPI paths) with their methods, in document order.</summary>
    public ImmutableArray<Resource> Resources { get; init; } = [];

    /// <summary>The stages that serve this API.</summary>
    public ImmutableArray<Stage> Stages { get; init; } = [];

    /// <summary>
    /// Deployments (snapshots of the definition) that stages may name in <see cref="Stage.DeploymentId"/>.
    /// Empty for file sources: their stages serve the API as written (<see cref="Deployment.Implicit"/>).
    /// </summary>
    public ImmutableArray<Deployment> Deployments { get; init; } = [];

    /// <summary>Customised gateway responses (<c>x-amazon-apigateway-gateway-responses</c>).</summary>
    public ImmutableDictionary<GatewayResponseType, GatewayResponse> GatewayResponses { get; init; } =
        ImmutableDictionary<GatewayResponseType, GatewayResponse>.Empty;

    /// <summary>Media types treated as binary (<c>x-amazon-apigateway-binary-media-types</c>), e.g. <c>image/png</c> or <c>*/*</c>.</summary>
    public ImmutableArray<string> BinaryMediaTypes { get; init; } = [];

    /// <summary>Where API keys come from (<c>x-amazon-apigateway-api-key-source</c>). Default <see cref="ApiKeySource.Header"/>.</summary>
    public ApiKeySource ApiKeySource { get; init; } = ApiKeySource.Header;

    /// <summary>Authorizers by name (security schemes with <c>x-amazon-apigateway-authorizer</c>).</summary>
    public ImmutableDictionary<string, Authorizer> Authorizers { get; init; } =
        ImmutableDictionary<string, Authorizer>.Empty;

    /// <summary>Request validators by name (<c>x-amazon-apigateway-request-validators</c>).</summary>
    public ImmutableDictionary<string, RequestValidator> RequestValidators { get; init; } =
        ImmutableDictionary<string, RequestValidator>.Empty;

    /// <summary>The validator applied to methods that name none (top-level <c>x-amazon-apigateway-request-validator</c>).</summary>
    public string? DefaultRequestValidator { get; init; }

    /// <summary>Models (JSON Schema draft 4) by name, from <c>definitions</c> or <c>components.schemas</c>.</summary>
    public ImmutableDictionary<string, JsonElement> Models { get; init; } =
        ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Smallest response body compressed, in bytes (<c>x-amazon-apigateway-minimum-compression-size</c>); null: never.</summary>
    public int? MinimumCompressionSize { get; init; }

    /// <summary>The resource policy (<c>x-amazon-apigateway-policy</c>), kept as written.</summary>
    public JsonElement? Policy { get; init; }

    /// <summary>HTTP API CORS settings (<c>x-amazon-apigateway-cors</c>), kept as written.</summary>
    public JsonElement? Cors { get; init; }

    /// <summary>The endpoint configuration (<c>x-amazon-apigateway-endpoint-configuration</c>), kept as written.</summary>
    public JsonElement? EndpointConfiguration { get; init; }

    /// <summary>Extensions that no Tollgate feature reads, kept with where they stood.</summary>
    public ImmutableArray<ExtensionValue> Extensions { get; init; } = [];

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(Api? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>An extension kept as written because nothing in Tollgate reads it.</summary>
/// <param name="Location">Where it stood, e.g. <c>paths./pets.get</c>.</param>
/// <param name="Name">The extension's name, e.g. <c>x-amazon-apigateway-request-validator</c>.</param>
/// <param name="Value">Its value as written.</param>
public sealed record ExtensionValue(string Location, string Name, JsonElement Value)
{
    /// <summary>By value: the JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(ExtensionValue? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>A request validator: which parts of a request API Gateway checks before the integration.</summary>
public sealed record RequestValidator
{
    /// <summary>Check the body against the method's model.</summary>
    public bool ValidateRequestBody { get; init; }

    /// <summary>Check that required parameters are present and not blank.</summary>
    public bool ValidateRequestParameters { get; init; }
}

/// <summary>A customised gateway response (one entry of <c>x-amazon-apigateway-gateway-responses</c>).</summary>
public sealed record GatewayResponse
{
    /// <summary>The status code; null keeps the type's default.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Header mappings: <c>gatewayresponse.header.Name</c> to a quoted static value or a request value.</summary>
    public ImmutableDictionary<string, string> ResponseParameters { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>Body templates by content type.</summary>
    public ImmutableDictionary<string, string> ResponseTemplates { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(GatewayResponse? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}
