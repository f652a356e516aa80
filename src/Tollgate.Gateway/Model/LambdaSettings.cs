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

    /// <summary>Functions with an endpoint or concurrency limits of their own.</summary>
    public ImmutableArray<LambdaFunction> Functions { get; init; } = [];

    /// <summary>
    /// Invocations of one function in flight at once (each function has its own limit, so a
    /// saturated authorizer does not hold up the integrations of other functions). Default 256,
    /// 1 to 100,000. A reload applies new limits to the calls that start after it.
    /// </summary>
    public int MaxConcurrency { get; init; } = 256;

    /// <summary>
    /// Invocations of one function that may wait for a place when <see cref="MaxConcurrency"/> are
    /// in flight. Default 256, 0 to 100,000 (0: refuse at once, as Lambda itself throttles). A call
    /// that finds the queue full is refused at once: 500, as API Gateway answers when Lambda
    /// throttles an invocation (429 <c>TooManyRequestsException</c>).
    /// </summary>
    public int MaxQueued { get; init; } = 256;

    /// <summary>
    /// How long a queued invocation waits for a place before it is refused like a full queue.
    /// Default 1 s, 1 ms to 30 s; the call's own timeout (integration or authorizer) still applies
    /// and wins when it is shorter.
    /// </summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(LambdaSettings? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>A function with its own endpoint or concurrency limits.</summary>
public sealed record LambdaFunction
{
    /// <summary>
    /// The function's ARN (<c>arn:aws:lambda:region:account:function:name</c>) or name, as integration
    /// and authorizer URIs name it; a bare name also matches the ARNs of that name.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>Its Lambda Invoke API endpoint; null: <see cref="LambdaSettings.Endpoint"/>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Its own <see cref="LambdaSettings.MaxConcurrency"/>; null: the shared setting.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Its own <see cref="LambdaSettings.MaxQueued"/>; null: the shared setting.</summary>
    public int? MaxQueued { get; init; }
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
