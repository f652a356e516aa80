using Tollgate.Gateway.Model;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>Turns the engines' <see cref="AuthFailure"/>s into gateway errors, sharing the common ones.</summary>
internal static class AuthorizerErrors
{
    private static readonly GatewayError Unauthorized = GatewayError.Of(GatewayResponseType.UNAUTHORIZED);

    /// <summary>The gateway error of a refusal; its reason becomes <c>$context.authorizer.error</c>.</summary>
    public static GatewayError From(Pipeline.RequestContext context, AuthFailure failure)
    {
        context.AuthorizerError = failure.Reason;
        var entry = GatewayResponseCatalog.Get(failure.ResponseType);
        if (failure.ResponseType == GatewayResponseType.UNAUTHORIZED && failure.Message == entry.Message && failure.ErrorType == entry.ErrorType)
        {
            return Unauthorized;
        }
        return GatewayError.Of(failure.ResponseType, failure.Message, failure.ErrorType == entry.ErrorType ? null : failure.ErrorType);
    }
}
