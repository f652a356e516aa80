using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// Where Lambda functions are invoked: the Lambda Invoke API
/// (<c>POST {endpoint}/2015-03-31/functions/{name}/invocations</c>), which AWS Lambda, the Lambda
/// runtime interface emulator and LocalStack all serve. Used by Lambda authorizers and by
/// <c>AWS</c> / <c>AWS_PROXY</c> integrations.
/// </summary>
public sealed record LambdaSettings
{
    /// <summary>The endpoint for every function not listed in <see cref="Functions"/>, e.g. <c>http://127.0.0.1:9001</c>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Credentials to sign invocations with (Signature Version 4, service <c>lambda</c>); null: unsigned.</summary>
    public LambdaCredentials? Credentials { get; init; }

    /// <summary>Functions with an endpoint of their own.</summary>
    public ImmutableArray<LambdaFunction> Functions { get; init; } = [];

    /// <summary>
    /// Invocations in flight at once, across all functions; more wait (within their timeout).
    /// Default 256. Read at start-up: the client's connection pool and this bound outlive reloads.
    /// </summary>
    public int MaxConcurrency { get; init; } = 256;
}

/// <summary>A function with its own endpoint.</summary>
public sealed record LambdaFunction
{
    /// <summary>The function's ARN (<c>arn:aws:lambda:region:account:function:name</c>) or name, as integration and authorizer URIs name it.</summary>
    public required string Name { get; init; }

    /// <summary>Its Lambda Invoke API endpoint.</summary>
    public required string Endpoint { get; init; }
}

/// <summary>An access key pair for signing Lambda invocations.</summary>
public sealed record LambdaCredentials
{
    /// <summary>The access key id.</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The secret access key. Never logged.</summary>
    public required string SecretAccessKey { get; init; }

    /// <summary>A session token for temporary credentials.</summary>
    public string? SessionToken { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"LambdaCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
