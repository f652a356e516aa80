using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Jwt;

namespace Tollgate.Gateway.Policies.Authorizers.Cognito;

/// <summary>
/// A REST <c>COGNITO_USER_POOLS</c> authorizer (and the HTTP API <c>JWT</c> authorizer, which
/// shares the validator): the token from the identity source header is validated against the
/// pool's JWKS, and its claims reach <c>$context.authorizer.claims.*</c>. A missing or bad token
/// gives 401 <c>{"message":"Unauthorized"}</c>; keys that cannot be loaded give 500. A JWT
/// authorizer's valid token that has none of the method's scopes gives 403 <c>{"message":"Forbidden"}</c>.
/// </summary>
internal sealed class CognitoAuthorizerPolicy(
    string name, string header, JwtAuthorizerSettings settings, ImmutableArray<string> scopes, JwtValidator validator, ILogger logger)
    : IAuthorizer
{
    /// <summary>JWT authorizers answer a valid token without any of the method's scopes with 403 Forbidden (Cognito ones with 401).</summary>
    private static readonly GatewayError Forbidden = GatewayError.Of(GatewayResponseType.ACCESS_DENIED, "Forbidden");

    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var headers = context.Http.Request.Headers;
        var token = headers.TryGetValue(header, out var values) && values.Count > 0 ? values[^1] : null;
        var result = await validator.ValidateAsync(token, settings, scopes, context.Http.RequestAborted);
        if (result.Succeeded)
        {
            context.Authorizer = new AuthorizerValues(null, AuthorizerValues.NoContext, result.Claims, result.Scopes);
            return null;
        }
        if (result.Reason == JwtFailureReason.MissingScope && settings.Kind == JwtAuthorizerKind.Jwt)
        {
            return Forbidden;
        }
        var failure = result.Failure!;
        if (failure.StatusCode >= 500)
        {
            logger.LogError("{RequestId} authorizer '{Authorizer}': {Reason}.", context.RequestId, name, failure.Reason);
        }
        else
        {
            logger.LogDebug("{RequestId} authorizer '{Authorizer}': refused: {Reason}.", context.RequestId, name, failure.Reason);
        }
        return AuthorizerErrors.From(context, failure);
    }
}
