using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Transforms;

/// <summary>
/// The CORS row of <see cref="PolicyOrder"/> (HTTP APIs' <c>cors</c> block). It adds no per-method
/// policy: CORS is API-wide and must also cover requests that match no route (a preflight the
/// gateway answers itself, the 404 of an unknown route), so the handler applies the API's compiled
/// <see cref="Cors.CorsRules"/> right after routing, before any policy runs
/// (<see cref="HttpApiRequests.Begin"/>). REST APIs answer preflight with their own OPTIONS methods.
/// </summary>
internal static class CorsPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c) => null;
}
