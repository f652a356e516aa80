using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>How a method reaches its backend.</summary>
public enum IntegrationType
{
    /// <summary>No backend: the integration responses answer.</summary>
    Mock,

    /// <summary>An HTTP backend with mapped request and response.</summary>
    Http,

    /// <summary>An HTTP backend; request and response pass through as they are.</summary>
    HttpProxy,

    /// <summary>A Lambda function (or AWS service) with mapped request and response.</summary>
    Aws,

    /// <summary>A Lambda function called with the proxy event.</summary>
    AwsProxy,
}

/// <summary>What happens to a request whose content type has no request template.</summary>
public enum PassthroughBehavior
{
    /// <summary>Pass unmapped content types through unchanged (default).</summary>
    WhenNoMatch,

    /// <summary>Pass through only if the method has no templates at all; otherwise 415.</summary>
    WhenNoTemplates,

    /// <summary>Reject unmapped content types with 415.</summary>
    Never,
}

/// <summary>Conversion of a payload between binary and text.</summary>
public enum ContentHandling
{
    /// <summary>Decode a base64 text payload into binary.</summary>
    ConvertToBinary,

    /// <summary>Encode a binary payload as base64 text.</summary>
    ConvertToText,
}

/// <summary>An integration (<c>x-amazon-apigateway-integration</c>), kept in full.</summary>
public sealed record Integration
{
    /// <summary>API Gateway's default and maximum integration timeout for REST APIs: 29 s.</summary>
    public const int DefaultTimeoutInMillis = 29_000;

    /// <summary>The integration type.</summary>
    public required IntegrationType Type { get; init; }

    /// <summary>The endpoint URI; may contain <c>{param}</c> placeholders and <c>${stageVariables.name}</c>.</summary>
    public string? Uri { get; init; }

    /// <summary>The method used towards the backend; null or <c>ANY</c>: the request's own.</summary>
    public string? HttpMethod { get; init; }

    /// <summary><c>INTERNET</c> (default) or <c>VPC_LINK</c>.</summary>
    public string? ConnectionType { get; init; }

    /// <summary>The VPC link id, for <c>VPC_LINK</c>.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>The IAM role API Gateway assumes for AWS integrations.</summary>
    public string? Credentials { get; init; }

    /// <summary>
    /// Parameter mappings: <c>integration.request.{header|querystring|path}.name</c> to a source
    /// (<c>method.request.*</c>, a quoted static value, <c>context.*</c> or <c>stageVariables.*</c>).
    /// HTTP APIs use their own keys (<c>append|overwrite|remove:header.X</c>,
    /// <c>append|overwrite|remove:querystring.X</c>, <c>overwrite:path</c>) and values
    /// (<c>$request.header.X</c>, <c>$context.X</c>, static text, ...).
    /// </summary>
    public ImmutableDictionary<string, string> RequestParameters { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// HTTP APIs: response mappings by backend status code (<c>"404"</c>), each mapping
    /// <c>append|overwrite|remove:header.Name</c> or <c>overwrite:statuscode</c> to a value such as
    /// <c>$response.header.X</c>, <c>$context.requestId</c> or static text.
    /// </summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, string>> ResponseParameters { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;

    /// <summary>Request templates by content type.</summary>
    public ImmutableDictionary<string, string> RequestTemplates { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>What to do with content types that have no template. Default <see cref="PassthroughBehavior.WhenNoMatch"/>.</summary>
    public PassthroughBehavior PassthroughBehavior { get; init; } = PassthroughBehavior.WhenNoMatch;

    /// <summary>Payload conversion towards the backend; null: none.</summary>
    public ContentHandling? ContentHandling { get; init; }

    /// <summary>Cache namespace (groups cache keys across methods).</summary>
    public string? CacheNamespace { get; init; }

    /// <summary>Request parameters that are part of the cache key.</summary>
    public ImmutableArray<string> CacheKeyParameters { get; init; } = [];

    /// <summary>
    /// Timeout in milliseconds, 50 to 29,000 (REST) or 30,000 (HTTP APIs). Default 29,000; the
    /// importer gives HTTP API integrations that state none AWS's HTTP API default, 30,000. It
    /// bounds the wait for the answer's head and then, for a streamed body, each wait for the next
    /// body bytes (an idle timeout, as nginx's <c>proxy_read_timeout</c>); an integration that
    /// buffers the answer (HTTP with templates, Lambda) is bounded by it as a whole.
    /// </summary>
    public int TimeoutInMillis { get; init; } = DefaultTimeoutInMillis;

    /// <summary>Integration responses in document order; the one keyed <c>default</c> catches the rest.</summary>
    public ImmutableArray<IntegrationResponse> Responses { get; init; } = [];

    /// <summary>Lambda proxy payload format, <c>1.0</c> or <c>2.0</c>; null: the protocol's default.</summary>
    public string? PayloadFormatVersion { get; init; }

    /// <summary>Skip verification of the backend's TLS certificate (<c>tlsConfig.insecureSkipVerification</c>).</summary>
    public bool InsecureSkipVerification { get; init; }

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(Integration? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>One entry of <c>integration.responses</c>.</summary>
public sealed record IntegrationResponse
{
    /// <summary>
    /// The selection pattern: a regular expression matched against the backend status code (HTTP)
    /// or the Lambda error message (AWS); <c>default</c> matches what no other entry matches.
    /// </summary>
    public required string SelectionPattern { get; init; }

    /// <summary>The status code sent to the client.</summary>
    public required string StatusCode { get; init; }

    /// <summary>Header mappings: <c>method.response.header.Name</c> to a source.</summary>
    public ImmutableDictionary<string, string> ResponseParameters { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>Response templates by content type.</summary>
    public ImmutableDictionary<string, string> ResponseTemplates { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>Payload conversion towards the client; null: none.</summary>
    public ContentHandling? ContentHandling { get; init; }

    /// <summary>Whether this is the <c>default</c> entry.</summary>
    public bool IsDefault => SelectionPattern == "default";

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(IntegrationResponse? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}
