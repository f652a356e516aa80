using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Transforms;

/// <summary>The CORS row of <see cref="PolicyOrder"/> (HTTP APIs' <c>cors</c> block).</summary>
internal static class CorsPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c) => null;
}
