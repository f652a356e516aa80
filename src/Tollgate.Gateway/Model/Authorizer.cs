using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>An authorizer (<c>x-amazon-apigateway-authorizer</c> on a security scheme), kept in full.</summary>
public sealed record Authorizer
{
    /// <summary>API Gateway's default result cache TTL: 300 s.</summary>
    public const int DefaultResultTtlInSeconds = 300;

    /// <summary>The security scheme's name, which methods refer to.</summary>
    public required string Name { get; init; }

    /// <summary><c>token</c>, <c>request</c>, <c>cognito_user_pools</c> or <c>jwt</c> (lower case).</summary>
    public required string Type { get; init; }

    /// <summary>The Lambda invocation URI (token and request authorizers).</summary>
    public string? AuthorizerUri { get; init; }

    /// <summary>The role used to call the function.</summary>
    public string? AuthorizerCredentials { get; init; }

    /// <summary>Identity sources, e.g. <c>method.request.header.Authorization</c> (comma separated as in AWS).</summary>
    public string? IdentitySource { get; init; }

    /// <summary>A regular expression the token must match before the function is called (token authorizers).</summary>
    public string? IdentityValidationExpression { get; init; }

    /// <summary>Result cache TTL in seconds, 0 to 3,600; null: 300.</summary>
    public int? ResultTtlInSeconds { get; init; }

    /// <summary>Cognito user pool ARNs (cognito_user_pools).</summary>
    public ImmutableArray<string> ProviderArns { get; init; } = [];

    /// <summary>The issuer (jwt).</summary>
    public string? JwtIssuer { get; init; }

    /// <summary>Accepted audiences (jwt).</summary>
    public ImmutableArray<string> JwtAudience { get; init; } = [];

    /// <summary>HTTP API Lambda authorizer payload format, <c>1.0</c> or <c>2.0</c>.</summary>
    public string? PayloadFormatVersion { get; init; }

    /// <summary>HTTP API Lambda authorizers may answer <c>{isAuthorized, context}</c>.</summary>
    public bool EnableSimpleResponses { get; init; }

    /// <summary>
    /// The security scheme's <c>x-amazon-apigateway-authtype</c> as written (e.g. <c>custom</c>,
    /// <c>cognito_user_pools</c>, or a free-form label for a Lambda authorizer); null if absent.
    /// API Gateway keeps it as the authorizer's <c>authType</c>; it does not change behaviour.
    /// </summary>
    public string? AuthType { get; init; }

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(Authorizer? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}
