using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>The request validation row of <see cref="PolicyOrder"/>.</summary>
internal static class ValidationPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c) => NotYetServed.Validators(c);
}
