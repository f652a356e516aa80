using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Pipeline;

/// <summary>What an authorizer established about the caller: <c>$context.authorizer.*</c>.</summary>
/// <param name="PrincipalId">The Lambda authorizer's <c>principalId</c> (<c>$context.authorizer.principalId</c>); null for token authorizers.</param>
/// <param name="Context">The Lambda authorizer's <c>context</c> values as strings (<c>$context.authorizer.key</c>).</param>
/// <param name="Claims">A Cognito or JWT token's claims as strings (<c>$context.authorizer.claims.key</c>); null for Lambda authorizers.</param>
/// <param name="Scopes">A JWT authorizer's token scopes; empty when none.</param>
internal sealed record AuthorizerValues(
    string? PrincipalId,
    FrozenDictionary<string, string> Context,
    IReadOnlyDictionary<string, string>? Claims,
    IReadOnlyList<string> Scopes)
{
    public static readonly FrozenDictionary<string, string> NoContext = FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// An HTTP API Lambda authorizer's <c>context</c> as the function returned it (values of any JSON
    /// type, kept as they are in <c>requestContext.authorizer.lambda</c> of payload 2.0), or a JSON
    /// null when it returned none. Undefined (the default) for every other authorizer, whose
    /// <see cref="Context"/> strings are used instead.
    /// </summary>
    public JsonElement LambdaContext { get; init; }

    /// <summary>
    /// The <c>authorizer</c> object of Lambda proxy events and <c>$context.authorizer</c> in templates,
    /// in AWS's shapes: REST (payload 1.0) <c>{principalId, ...context}</c> or <c>{claims: {...}}</c>;
    /// HTTP APIs (payload 2.0) <c>{jwt: {claims, scopes}}</c> or <c>{lambda: {...context}}</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> ToEventObject(bool payloadV2)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Claims is { } claims)
        {
            var claimMap = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in claims)
            {
                claimMap[key] = value;
            }
            if (payloadV2)
            {
                result["jwt"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["claims"] = claimMap,
                    ["scopes"] = Scopes.Count == 0 ? null : Scopes.Cast<object?>().ToList(),
                };
            }
            else
            {
                result["claims"] = claimMap;
            }
            return result;
        }
        var context = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Context)
        {
            context[key] = value;
        }
        if (payloadV2)
        {
            result["lambda"] = LambdaContext.ValueKind == JsonValueKind.Undefined ? context : LambdaContext;
            return result;
        }
        if (PrincipalId is not null)
        {
            result["principalId"] = PrincipalId;
        }
        foreach (var (key, value) in context)
        {
            result[key] = value;
        }
        return result;
    }
}

/// <summary>The IAM caller of an <c>AWS_IAM</c> method: <c>$context.identity.*</c>.</summary>
/// <param name="UserArn"><c>$context.identity.userArn</c>: the principal's ARN.</param>
/// <param name="User"><c>$context.identity.user</c> and <c>caller</c>: the user or role session name (AWS gives the principal's unique id, which this gateway has no IAM to ask for).</param>
/// <param name="AccessKey"><c>$context.identity.accessKey</c>.</param>
/// <param name="AccountId"><c>$context.identity.accountId</c>: the principal's account.</param>
internal sealed record IamCallerValues(string UserArn, string User, string AccessKey, string AccountId);

internal sealed partial class RequestContext
{
    /// <summary><c>$context.accountId</c>: the account that owns the API.</summary>
    public string AccountId { get; set; } = GatewayConfig.DefaultAccountId;

    /// <summary>What the method's authorizer established; null when it has none or it has not run.</summary>
    public AuthorizerValues? Authorizer { get; set; }

    /// <summary>The verified IAM caller of an <c>AWS_IAM</c> method; null otherwise.</summary>
    public IamCallerValues? Caller { get; set; }

    /// <summary><c>$context.authorizer.key</c>: <c>principalId</c>, <c>claims.name</c> or a Lambda authorizer's context key.</summary>
    internal string? AuthorizerVariable(ReadOnlySpan<char> key)
    {
        var values = Authorizer;
        if (values is null)
        {
            return null;
        }
        if (key.SequenceEqual("principalId"))
        {
            return values.PrincipalId;
        }
        const string Claims = "claims.";
        if (values.Claims is { } claims && key.StartsWith(Claims, StringComparison.Ordinal))
        {
            return claims.TryGetValue(key[Claims.Length..].ToString(), out var claim) ? claim : null;
        }
        return values.Context.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var value) ? value : null;
    }
}
