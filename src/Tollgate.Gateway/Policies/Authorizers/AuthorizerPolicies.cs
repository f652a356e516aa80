using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>The authorizer row of <see cref="PolicyOrder"/>.</summary>
internal static class AuthorizerPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c) => NotYetServed.Authorizers(c);
}
