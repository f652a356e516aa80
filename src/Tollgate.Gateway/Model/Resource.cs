using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// A resource: a path template such as <c>/pets/{petId}</c> or <c>/files/{proxy+}</c> with the
/// methods defined on it. <c>{name}</c> captures one segment; <c>{name+}</c>, the last segment
/// only, captures the rest of the path.
/// </summary>
public sealed record Resource
{
    /// <summary>The path template, starting with <c>/</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The methods, keyed by upper-case HTTP method or <c>ANY</c>.</summary>
    public ImmutableDictionary<string, Method> Methods { get; init; } =
        ImmutableDictionary<string, Method>.Empty;

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(Resource? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>One method of a resource (an OpenAPI operation).</summary>
public sealed record Method
{
    /// <summary>The upper-case HTTP method, or <c>ANY</c> (<c>x-amazon-apigateway-any-method</c>).</summary>
    public required string HttpMethod { get; init; }

    /// <summary>The OpenAPI <c>operationId</c>.</summary>
    public string? OperationName { get; init; }

    /// <summary>
    /// <c>NONE</c>, <c>AWS_IAM</c>, <c>CUSTOM</c> (Lambda authorizer), <c>COGNITO_USER_POOLS</c> or
    /// <c>JWT</c>. Default <c>NONE</c>.
    /// </summary>
    public string AuthorizationType { get; init; } = "NONE";

    /// <summary>The name of the authorizer, for <c>CUSTOM</c>, <c>COGNITO_USER_POOLS</c> and <c>JWT</c>.</summary>
    public string? AuthorizerId { get; init; }

    /// <summary>Scopes a token must carry (Cognito and JWT authorizers).</summary>
    public ImmutableArray<string> AuthorizationScopes { get; init; } = [];

    /// <summary>Whether the caller must present an API key.</summary>
    public bool ApiKeyRequired { get; init; }

    /// <summary>The request validator's name; null: the API's default, if any.</summary>
    public string? RequestValidatorId { get; init; }

    /// <summary>Declared parameters, <c>method.request.{path|querystring|header}.name</c>, to whether each is required.</summary>
    public ImmutableDictionary<string, bool> RequestParameters { get; init; } =
        ImmutableDictionary<string, bool>.Empty;

    /// <summary>Body models by content type (model names).</summary>
    public ImmutableDictionary<string, string> RequestModels { get; init; } =
        ImmutableDictionary<string, string>.Empty;

    /// <summary>The integration; null if the export has none (requests then get 500).</summary>
    public Integration? Integration { get; init; }

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(Method? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}
