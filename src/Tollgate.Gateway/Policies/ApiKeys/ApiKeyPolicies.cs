using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.ApiKeys;

/// <summary>The API key row of <see cref="PolicyOrder"/>.</summary>
internal static class ApiKeyPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c) => NotYetServed.ApiKeys(c);
}
