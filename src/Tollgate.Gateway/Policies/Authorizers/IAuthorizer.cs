using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>
/// One kind of authorizer (IAM, Lambda, JWT / Cognito): lets the caller in (null) or refuses it
/// with a gateway error. An authorizer never answers a request itself; it takes its place in the
/// method phase wrapped by <see cref="MeasuredAuthorizer"/>, which records its latency and status.
/// </summary>
internal interface IAuthorizer
{
    ValueTask<GatewayError?> InvokeAsync(RequestContext context);
}
