using System.Collections.Immutable;
using System.Text.Json;

namespace Tollgate.Gateway.Model;

/// <summary>
/// The IAM principals that may call methods whose authorization type is <c>AWS_IAM</c>: who they
/// are, the access keys they sign with (Signature Version 4), and their identity policies.
/// Tollgate has no IAM service behind it, so this block stands in for one.
/// </summary>
public sealed record IamSettings
{
    /// <summary>The principals, in the order they were declared. Access key ids are unique across all of them.</summary>
    public ImmutableArray<IamPrincipal> Principals { get; init; } = [];

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(IamSettings? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>One IAM user or role that may sign requests.</summary>
public sealed record IamPrincipal
{
    /// <summary>
    /// The principal's ARN, for example <c>arn:aws:iam::123456789012:user/reporting</c> or
    /// <c>arn:aws:sts::123456789012:assumed-role/Reader/session</c>. Its account id becomes
    /// <c>$context.identity.accountId</c>.
    /// </summary>
    public required string Arn { get; init; }

    /// <summary>The access keys that sign as this principal. At least one.</summary>
    public ImmutableArray<IamAccessKey> AccessKeys { get; init; } = [];

    /// <summary>
    /// Identity policies, each a JSON policy document as IAM writes it (<c>Version</c>,
    /// <c>Statement</c> with <c>Effect</c>, <c>Action</c>/<c>NotAction</c>,
    /// <c>Resource</c>/<c>NotResource</c>). <c>Condition</c> is not supported and is a
    /// configuration error.
    /// </summary>
    public ImmutableArray<JsonElement> Policies { get; init; } = [];

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(IamPrincipal? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}

/// <summary>An access key pair, optionally temporary (with a session token).</summary>
public sealed record IamAccessKey
{
    /// <summary>The access key id, for example <c>AKIAEXAMPLEREPORTS1</c>.</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>The secret access key. Never logged.</summary>
    public required string SecretAccessKey { get; init; }

    /// <summary>
    /// For temporary credentials: the session token the caller must send (and sign) as
    /// <c>X-Amz-Security-Token</c>. Null for long-term keys, which must not send one.
    /// </summary>
    public string? SessionToken { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"IamAccessKey {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>Settings shared by JWT and Cognito user pool authorizers.</summary>
public sealed record JwtSettings
{
    /// <summary>
    /// JWKS URLs by issuer, used instead of discovering them from
    /// <c>{issuer}/.well-known/openid-configuration</c>. Useful for issuers that publish no
    /// discovery document, or whose keys are mirrored closer to the gateway.
    /// </summary>
    public ImmutableDictionary<string, string> JwksUris { get; init; } =
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>By value: collections element by element, JSON by content (see <see cref="ModelEquality"/>).</summary>
    public bool Equals(JwtSettings? other) => ModelEquality.Equal(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => ModelEquality.Hash(this);
}
