using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.ApiKeys;
using Tollgate.Gateway.Policies.Authorizers;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Policies.Validation;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The rows of the method phase, in the order they run. A feature that runs per method adds its
/// row here (the stage's web ACL before the authorizer, the cache after validation); what runs on
/// every request before a method is known belongs to <see cref="RequestPhase"/>.
/// </summary>
internal enum PolicyStage
{
    Authorizer,
    ApiKey,
    Throttling,
    Validation,
}

/// <summary>One row of the policy order table.</summary>
internal sealed record PolicySlot(PolicyStage Stage, Func<MethodCompilation, IRequestPolicy?> Create);

/// <summary>
/// The method phase: the one table that fixes the order of policies (DESIGN.md, principle 3). The compiler asks
/// each row, top to bottom, whether it applies to a method; the method's chain is the policies
/// that answered. Adding a feature means filling in its row, never reordering others.
/// </summary>
internal static class PolicyOrder
{
    public static readonly IReadOnlyList<PolicySlot> Slots =
    [
        // API Gateway authorizes first: an AUTHORIZER key source needs the authorizer's usageIdentifierKey.
        new(PolicyStage.Authorizer, MeasuredAuthorizer.Create),
        new(PolicyStage.ApiKey, ApiKeyPolicies.Create),
        new(PolicyStage.Throttling, ThrottlingPolicies.Create),
        new(PolicyStage.Validation, ValidationPolicies.Create),
    ];

    public static IRequestPolicy[] Build(MethodCompilation compilation)
    {
        var chain = new List<IRequestPolicy>();
        foreach (var slot in Slots)
        {
            if (slot.Create(compilation) is { } policy)
            {
                chain.Add(policy);
            }
        }
        return [.. chain];
    }
}
