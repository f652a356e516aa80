using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// The whole configuration of one gateway: every API with its stages, the custom domain names
/// that map base paths onto them, and the server settings. Every config source (the Tollgate
/// config file, a bare OpenAPI document, the store behind the admin API) produces this record;
/// the compiler turns it into the runtime snapshot that serves requests.
/// </summary>
public sealed record GatewayConfig
{
    /// <summary>The account id used when none is configured: <c>000000000000</c>.</summary>
    public const string DefaultAccountId = "000000000000";

    /// <summary>
    /// The region this gateway stands for, for example <c>eu-west-1</c>: the region of method ARNs
    /// (<c>arn:aws:execute-api:{region}:...</c>) and the region SigV4 signatures must be scoped to.
    /// Null: signatures may name any region, and method ARNs take the region of the caller's
    /// credential scope (<c>us-east-1</c> for Lambda authorizers).
    /// </summary>
    public string? Region { get; init; }

    /// <summary>
    /// The account that owns the APIs: in method ARNs and <c>$context.accountId</c>. Twelve digits;
    /// default <c>000000000000</c>.
    /// </summary>
    public string AccountId { get; init; } = DefaultAccountId;

    /// <summary>The APIs, in the order they were declared. Ids are unique.</summary>
    public ImmutableArray<Api> Apis { get; init; } = [];

    /// <summary>Custom domain names with their base path mappings.</summary>
    public ImmutableArray<DomainName> DomainNames { get; init; } = [];

    /// <summary>Listener and limit settings.</summary>
    public ServerSettings Server { get; init; } = new();

    /// <summary>Where Lambda functions are invoked (authorizers and Lambda integrations).</summary>
    public LambdaSettings Lambda { get; init; } = new();

    /// <summary>The API keys. Names, ids and values are unique.</summary>
    public ImmutableArray<ApiKey> ApiKeys { get; init; } = [];

    /// <summary>The usage plans. Names and ids are unique.</summary>
    public ImmutableArray<UsagePlan> UsagePlans { get; init; } = [];

    /// <summary>
    /// The limit across every API and stage of the gateway, AWS's account-level throttle. Default
    /// 10,000 requests a second with a burst of 5,000 (<see cref="ThrottleSettings.AccountDefault"/>).
    /// </summary>
    public ThrottleSettings AccountThrottle { get; init; } = ThrottleSettings.AccountDefault;

    /// <summary>IAM principals, keys and policies for <c>AWS_IAM</c> methods.</summary>
    public IamSettings Iam { get; init; } = new();

    /// <summary>Settings for JWT and Cognito user pool authorizers.</summary>
    public JwtSettings Jwt { get; init; } = new();

    /// <summary>Rotation and queue limits of access logs.</summary>
    public AccessLogOptions AccessLogs { get; init; } = new();

    /// <summary>
    /// Where an exported stage's access-log ARN (<c>arn:aws:logs:...</c>) writes here: each ARN to
    /// <c>stdout</c> or a <c>file:///</c> path. A stage naming an ARN not in this map is a config error.
    /// </summary>
    public ImmutableDictionary<string, string> LogDestinations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Where traces and metrics are exported by OpenTelemetry (top-level <c>telemetry</c>).</summary>
    public TelemetrySettings Telemetry { get; init; } = new();

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(GatewayConfig? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>Settings of the HTTP server itself, not of any one API.</summary>
public sealed record ServerSettings
{
    /// <summary>The default request body limit: 10 MB, API Gateway's payload limit.</summary>
    public const long DefaultMaxRequestBodyBytes = 10L * 1024 * 1024;

    /// <summary>
    /// URLs to listen on, for example <c>http://0.0.0.0:8080</c>. Empty means the command line
    /// decides (default <c>http://127.0.0.1:8080</c>).
    /// </summary>
    public ImmutableArray<string> Listen { get; init; } = [];

    /// <summary>
    /// The URL of the admin listener, for example <c>http://127.0.0.1:9901</c>: <c>/healthz</c> and
    /// <c>/readyz</c> for probes, on a server of its own apart from the gateway's listeners (its own
    /// connections, never counted against <see cref="MaxConnections"/>). <c>http</c> with an IP
    /// address or <c>localhost</c> and a port (0 picks a free one). Null (the default): no admin
    /// listener. Read at start only.
    /// </summary>
    public string? AdminListen { get; init; }

    /// <summary>
    /// Largest request body accepted, in bytes; larger bodies get 413 <c>REQUEST_TOO_LARGE</c>.
    /// Default 10 MB (API Gateway's limit). Bodies are streamed, so raising it costs no memory.
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// Memory one mapping-template render may materialise, in bytes: the parsed body, the
    /// JSONPath results it copies, the strings it builds and its output (two bytes a
    /// character). Beyond it the request answers 500 <c>Internal server error</c>, as any
    /// failed template does. Default 100 MiB, ten times API Gateway's 10 MB payload limit: a
    /// 10 MB body passes through <c>$input.json('$')</c> (about six times its size) within it.
    /// </summary>
    public long MaxTemplateMemoryBytes { get; init; } = Templates.Engine.RenderBudget.DefaultLimit;

    /// <summary>How long a shutdown waits for requests in flight to finish. Default 30 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Client connections open at once, upgraded ones included; at the limit the gateway stops
    /// accepting and new connections wait in the listen backlog. Null: derived from the
    /// open-file limit (<see cref="Hosting.ConnectionLimits"/>).
    /// </summary>
    public int? MaxConnections { get; init; }

    /// <summary>Of those, upgraded (WebSocket) connections at once; an upgrade beyond it is refused. Null: a fifth of them.</summary>
    public int? MaxUpgradedConnections { get; init; }

    /// <summary>
    /// How long a client connection may sit idle between requests (and before its first) before
    /// it is closed. Default 60 s, an ALB's default idle timeout.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Requests in flight to one backend (scheme, host and port) at once; beyond it requests are
    /// answered 503 at once. Default 1,024, Envoy's default circuit breaker.
    /// </summary>
    public int MaxConcurrentRequestsPerBackend { get; init; } = Forwarding.BackendLimiter.DefaultMaxConcurrentRequests;

    /// <summary>
    /// The protocols a client may upgrade to through an <c>HTTP_PROXY</c> integration, matched
    /// case-insensitively against each protocol named in <c>Upgrade</c> (its version, after a
    /// <c>/</c>, aside), as Envoy's <c>upgrade_configs</c>. Default <c>websocket</c> only. A
    /// request that asks for anything else is forwarded as a plain request without its
    /// <c>Upgrade</c> and <c>HTTP2-Settings</c> fields, never tunnelled; <c>h2c</c> cannot be
    /// listed (backends are reached over HTTP/2 by ALPN only). Empty: no upgrades at all.
    /// </summary>
    public ImmutableArray<string> UpgradeProtocols { get; init; } = DefaultUpgradeProtocols;

    /// <summary>The default of <see cref="UpgradeProtocols"/>: <c>websocket</c>.</summary>
    public static ImmutableArray<string> DefaultUpgradeProtocols { get; } = ["websocket"];

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(ServerSettings? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}
