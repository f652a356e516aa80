using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>Why a token was refused; for logs and metrics (<c>$context.authorizer.error</c>), never for the client.</summary>
internal enum JwtFailureReason
{
    None,
    MissingToken,
    Malformed,
    AlgorithmNotAllowed,
    WrongIssuer,
    UnknownKey,
    JwksUnavailable,
    BadSignature,
    Expired,
    NotYetValid,
    IssuedInFuture,
    WrongAudience,
    WrongTokenUse,
    MissingScope,
}

/// <summary>
/// A validated token's claims, or why it was refused. A success is kept by the verified token
/// cache and shared by every request that presents the same token: it never changes after it is
/// built, but for the claims and scopes it computes on first use (a race computes equal values
/// twice, and whichever reference lands is complete).
/// </summary>
internal sealed class JwtValidationResult
{
    private static readonly AuthFailure Unauthorized = new(
        GatewayResponseType.UNAUTHORIZED, 401, "Unauthorized", "UnauthorizedException", "jwt");

    private IReadOnlyDictionary<string, string>? _claims;
    private CheckedClaims? _checked;

    private ImmutableArray<string> _scopes;

    private JwtValidationResult(JwtFailureReason reason, AuthFailure? failure, JsonElement payload, ImmutableArray<string> scopes)
    {
        Reason = reason;
        Failure = failure;
        Payload = payload;
        _scopes = scopes;
    }

    public bool Succeeded => Reason == JwtFailureReason.None;

    public JwtFailureReason Reason { get; }

    /// <summary>What to answer: 401 UNAUTHORIZED <c>{"message":"Unauthorized"}</c>, or 500 AUTHORIZER_CONFIGURATION_ERROR when the issuer's keys cannot be loaded.</summary>
    public AuthFailure? Failure { get; }

    /// <summary>The payload as JSON, for integrations that want claims with their types.</summary>
    public JsonElement Payload { get; }

    /// <summary>
    /// Claims as strings, as API Gateway passes them (<c>$context.authorizer.claims.sub</c>):
    /// strings as they are, numbers and booleans as their JSON text, arrays and objects as
    /// compact JSON.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Claims => Succeeded ? _claims ??= ToStrings(Payload) : null;

    /// <summary><c>exp</c>, <c>nbf</c>, <c>iat</c> and <c>token_use</c>, read once: the checks every request makes.</summary>
    internal CheckedClaims CheckedClaims => _checked ??= JwtValidator.ReadCheckedClaims(Payload);

    /// <summary>The token's scopes (<c>scope</c> split on spaces, or <c>scp</c>).</summary>
    public ImmutableArray<string> Scopes
    {
        get
        {
            if (_scopes.IsDefault)
            {
                _scopes = Succeeded ? JwtValidator.ReadScopes(Payload) : [];
            }
            return _scopes;
        }
    }

    /// <summary>A success; string claims (and scopes, unless already read) are built on first use, since authorizing needs none of them.</summary>
    public static JwtValidationResult Success(JsonElement payload, ImmutableArray<string> scopes) =>
        new(JwtFailureReason.None, null, payload, scopes);

    public static JwtValidationResult Fail(JwtFailureReason reason) => new(
        reason,
        reason == JwtFailureReason.JwksUnavailable
            ? new AuthFailure(GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR, 500, null, "AuthorizerConfigurationException", "jwt.jwks_unavailable")
            : Unauthorized with { Reason = "jwt." + ReasonCode(reason) },
        default, []);

    private static Dictionary<string, string> ToStrings(JsonElement root)
    {
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            claims[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        return claims;
    }

    private static string ReasonCode(JwtFailureReason reason) => reason switch
    {
        JwtFailureReason.MissingToken => "missing_token",
        JwtFailureReason.Malformed => "malformed",
        JwtFailureReason.AlgorithmNotAllowed => "algorithm_not_allowed",
        JwtFailureReason.WrongIssuer => "wrong_issuer",
        JwtFailureReason.UnknownKey => "unknown_kid",
        JwtFailureReason.BadSignature => "bad_signature",
        JwtFailureReason.Expired => "expired",
        JwtFailureReason.NotYetValid => "not_yet_valid",
        JwtFailureReason.IssuedInFuture => "issued_in_future",
        JwtFailureReason.WrongAudience => "wrong_audience",
        JwtFailureReason.WrongTokenUse => "wrong_token_use",
        JwtFailureReason.MissingScope => "missing_scope",
        _ => "other",
    };
}

/// <summary>
/// The claims a token is checked against on every request. A claim that is there but is not a
/// number has <c>Has*</c> true and no value, which fails its check, as it did when read each time.
/// </summary>
internal sealed record CheckedClaims(long? Exp, bool HasNbf, long? Nbf, bool HasIat, long? Iat, string? TokenUse);
