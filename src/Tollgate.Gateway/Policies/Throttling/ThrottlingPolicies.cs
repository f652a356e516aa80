using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>The throttling and quota row of <see cref="PolicyOrder"/>.</summary>
internal static class ThrottlingPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c) => null;
}
