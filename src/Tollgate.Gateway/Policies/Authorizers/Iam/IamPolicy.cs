using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>The outcome of evaluating policies for one action on one resource.</summary>
internal enum PolicyDecision
{
    /// <summary>No statement allows it: denied by default.</summary>
    ImplicitDeny,

    /// <summary>A statement allows it and none denies it.</summary>
    Allow,

    /// <summary>A statement denies it; this wins over every Allow.</summary>
    ExplicitDeny,
}

/// <summary>One statement, with its action and resource patterns compiled.</summary>
internal sealed class IamStatement
{
    public required bool IsAllow { get; init; }
    public required bool NotAction { get; init; }
    public required ImmutableArray<WildcardPattern> Actions { get; init; }
    public required bool NotResource { get; init; }
    public required ImmutableArray<WildcardPattern> Resources { get; init; }
    public string? Sid { get; init; }

    public bool Applies(string action, string resource) =>
        AnyMatch(Actions, action) != NotAction && AnyMatch(Resources, resource) != NotResource;

    private static bool AnyMatch(ImmutableArray<WildcardPattern> patterns, string value)
    {
        foreach (var p in patterns)
        {
            if (p.IsMatch(value))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// A policy document compiled once: IAM's statement grammar (<c>Effect</c>, <c>Action</c> or
/// <c>NotAction</c>, <c>Resource</c> or <c>NotResource</c>, each a string or an array), as used by
/// identity policies and by the policies Lambda authorizers return. Actions match without regard
/// to case, resources with it; explicit Deny wins; nothing allowed means denied.
/// <c>Condition</c> and <c>Principal</c> are refused at compile time rather than ignored, since
/// ignoring them would widen access.
/// </summary>
internal sealed class IamPolicy
{
    private IamPolicy(ImmutableArray<IamStatement> statements) => Statements = statements;

    public ImmutableArray<IamStatement> Statements { get; }

    public PolicyDecision Evaluate(string action, string resource)
    {
        var allowed = false;
        foreach (var s in Statements)
        {
            if (s.Applies(action, resource))
            {
                if (!s.IsAllow)
                {
                    return PolicyDecision.ExplicitDeny;
                }
                allowed = true;
            }
        }
        return allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
    }

    /// <summary>Evaluates several policies together, as IAM does for a principal's identity policies.</summary>
    public static PolicyDecision Evaluate(ImmutableArray<IamPolicy> policies, string action, string resource)
    {
        var decision = PolicyDecision.ImplicitDeny;
        foreach (var p in policies)
        {
            switch (p.Evaluate(action, resource))
            {
                case PolicyDecision.ExplicitDeny:
                    return PolicyDecision.ExplicitDeny;
                case PolicyDecision.Allow:
                    decision = PolicyDecision.Allow;
                    break;
                default:
                    break;
            }
        }
        return decision;
    }

    /// <summary>Compiles a policy document, reporting every problem under <paramref name="location"/>.</summary>
    public static IamPolicy? Compile(JsonElement document, DiagnosticBag diagnostics, string location)
    {
        var before = diagnostics.Items.Count;
        if (document.ValueKind != JsonValueKind.Object)
        {
            diagnostics.Error(location, "a policy must be a JSON object.");
            return null;
        }
        if (document.TryGetProperty("Version", out var version)
            && !(version.ValueKind == JsonValueKind.String && version.GetString() is "2012-10-17" or "2008-10-17"))
        {
            diagnostics.Error(location, "Version must be \"2012-10-17\" or \"2008-10-17\".");
        }
        if (!document.TryGetProperty("Statement", out var statement))
        {
            diagnostics.Error(location, "Statement is required.");
            return null;
        }
        var builder = ImmutableArray.CreateBuilder<IamStatement>();
        if (statement.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var s in statement.EnumerateArray())
            {
                AddStatement(builder, s, diagnostics, $"{location}, statement {i++}");
            }
        }
        else
        {
            AddStatement(builder, statement, diagnostics, $"{location}, statement 0");
        }
        return diagnostics.Items.Count > before ? null : new IamPolicy(builder.ToImmutable());
    }

    /// <summary>Compiles a document known to be valid (tests, Lambda results already checked); throws otherwise.</summary>
    public static IamPolicy Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var bag = new DiagnosticBag();
        return Compile(doc.RootElement, bag, "policy")
            ?? throw new FormatException(string.Join("; ", bag.Items));
    }

    private static void AddStatement(ImmutableArray<IamStatement>.Builder builder, JsonElement s, DiagnosticBag diagnostics, string location)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            diagnostics.Error(location, "a statement must be a JSON object.");
            return;
        }
        var ok = true;
        var effect = s.TryGetProperty("Effect", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (effect is not ("Allow" or "Deny"))
        {
            diagnostics.Error(location, "Effect must be \"Allow\" or \"Deny\".");
            ok = false;
        }
        foreach (var unsupported in (ReadOnlySpan<string>)["Condition", "Principal", "NotPrincipal"])
        {
            if (s.TryGetProperty(unsupported, out _))
            {
                diagnostics.Error(location, $"{unsupported} is not supported in these policies.");
                ok = false;
            }
        }
        ok &= TryPatterns(s, "Action", "NotAction", ignoreCase: true, diagnostics, location, out var actions, out var notAction);
        ok &= TryPatterns(s, "Resource", "NotResource", ignoreCase: false, diagnostics, location, out var resources, out var notResource);
        if (!ok)
        {
            return;
        }
        builder.Add(new IamStatement
        {
            IsAllow = effect == "Allow",
            NotAction = notAction,
            Actions = actions,
            NotResource = notResource,
            Resources = resources,
            Sid = s.TryGetProperty("Sid", out var sid) && sid.ValueKind == JsonValueKind.String ? sid.GetString() : null,
        });
    }

    private static bool TryPatterns(
        JsonElement s, string name, string notName, bool ignoreCase, DiagnosticBag diagnostics, string location,
        out ImmutableArray<WildcardPattern> patterns, out bool negated)
    {
        patterns = [];
        var has = s.TryGetProperty(name, out var positive);
        var hasNot = s.TryGetProperty(notName, out var negative);
        negated = hasNot;
        if (has == hasNot)
        {
            diagnostics.Error(location, $"exactly one of {name} and {notName} is required.");
            return false;
        }
        var value = has ? positive : negative;
        var builder = ImmutableArray.CreateBuilder<WildcardPattern>();
        if (value.ValueKind == JsonValueKind.String)
        {
            builder.Add(new WildcardPattern(value.GetString()!, ignoreCase));
        }
        else if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    diagnostics.Error(location, $"{(has ? name : notName)} must hold strings.");
                    return false;
                }
                builder.Add(new WildcardPattern(item.GetString()!, ignoreCase));
            }
        }
        else
        {
            diagnostics.Error(location, $"{(has ? name : notName)} must be a string or a non-empty array of strings.");
            return false;
        }
        patterns = builder.ToImmutable();
        return true;
    }
}
