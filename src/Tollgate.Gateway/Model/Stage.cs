using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// A stage: a named, deployed version of an API (<c>prod</c>, <c>live</c>) with its stage variables.
/// Stage names use letters, digits, <c>-</c> and <c>_</c>, at most 128 characters.
/// </summary>
public sealed record Stage
{
    /// <summary>The stage name; the first path segment of execute-api style URLs.</summary>
    public required string StageName { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The deployment the stage serves, one of <see cref="Api.Deployments"/>. Null (file sources):
    /// the API as written, through its implicit deployment (<see cref="Deployment.Implicit"/>).
    /// </summary>
    public string? DeploymentId { get; init; }

    /// <summary>
    /// Stage variables. Names: letters, digits and <c>_</c>, at most 64; values: at most 512 of
    /// <c>[A-Za-z0-9-._~:/?#&amp;=,]</c>; at most 100 variables.
    /// </summary>
    public ImmutableDictionary<string, string> Variables { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>Method settings (throttling), keyed <c>*/*</c> or <c>/resource/METHOD</c>; see <see cref="MethodSetting"/>.</summary>
    public ImmutableDictionary<string, MethodSetting> MethodSettings { get; init; } =
        ImmutableDictionary<string, MethodSetting>.Empty;

    /// <summary>The stage's access log; null (the default): none, and nothing is rendered for it.</summary>
    public AccessLogSettings? AccessLogSettings { get; init; }

    /// <summary>
    /// API Gateway's <c>tracingEnabled</c>: a server span for each request of the stage (with child
    /// spans for authorizers, Lambda invocations and upstream calls), exported by OTLP when
    /// <see cref="TelemetrySettings.OtlpEndpoint"/> is set, and <c>$context.xrayTraceId</c> filled.
    /// Default false.
    /// </summary>
    public bool TracingEnabled { get; init; }

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(Stage? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>A custom domain name and the base paths it maps to API stages.</summary>
public sealed record DomainName
{
    /// <summary>The host name, e.g. <c>api.example.com</c> (matched case-insensitively, port ignored).</summary>
    public required string Name { get; init; }

    /// <summary>The base path mappings; the longest matching base path wins, the empty one catches the rest.</summary>
    public ImmutableArray<BasePathMapping> BasePathMappings { get; init; } = [];

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(DomainName? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>Maps a base path of a custom domain to a stage of an API.</summary>
public sealed record BasePathMapping
{
    /// <summary>The base path without leading or trailing slash, may have several segments (<c>shop/v2</c>); empty: the whole domain.</summary>
    public string BasePath { get; init; } = "";

    /// <summary>The API id.</summary>
    public required string RestApiId { get; init; }

    /// <summary>The stage name.</summary>
    public required string Stage { get; init; }
}
