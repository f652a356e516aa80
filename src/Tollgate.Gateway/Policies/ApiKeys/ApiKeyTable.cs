using System.Collections.Frozen;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Policies.ApiKeys;

/// <summary>An API key as served.</summary>
internal sealed class CompiledApiKey(string id, string name, bool enabled)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public bool Enabled { get; } = enabled;

    /// <summary>Never prints the value.</summary>
    public override string ToString() => $"API key '{Name}' ({Id})";
}

/// <summary>Why an API key was accepted or not. Every refusal is 403 <c>{"message":"Forbidden"}</c>, as in AWS.</summary>
internal enum ApiKeyOutcome
{
    /// <summary>Known, enabled and in a usage plan of the stage.</summary>
    Accepted,

    /// <summary>No key was sent.</summary>
    Missing,

    /// <summary>No key has this value.</summary>
    Unknown,

    /// <summary>The key is disabled.</summary>
    Disabled,

    /// <summary>The key is in no usage plan of this stage.</summary>
    NotInPlan,
}

/// <summary>The result of checking an API key for a stage.</summary>
/// <param name="Outcome">Accepted or why not.</param>
/// <param name="Key">The key, when one with the value exists.</param>
/// <param name="Plan">The key's usage plan on this stage, when accepted.</param>
internal readonly record struct ApiKeyCheck(ApiKeyOutcome Outcome, CompiledApiKey? Key, StagePlan? Plan)
{
    public bool Accepted => Outcome == ApiKeyOutcome.Accepted;
}

/// <summary>
/// The compiled key table: value to key, one dictionary lookup. (A hash lookup does not leak
/// timing about which keys exist in any way an attacker can use, so no constant-time compare.)
/// </summary>
internal sealed class ApiKeyTable(FrozenDictionary<string, CompiledApiKey> byValue)
{
    public int Count => byValue.Count;

    /// <summary>Checks the key sent with a request to a method that requires one, on <paramref name="stage"/>.</summary>
    public ApiKeyCheck Check(StageUsage stage, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new ApiKeyCheck(ApiKeyOutcome.Missing, null, null);
        }
        if (!byValue.TryGetValue(value, out var key))
        {
            return new ApiKeyCheck(ApiKeyOutcome.Unknown, null, null);
        }
        if (!key.Enabled)
        {
            return new ApiKeyCheck(ApiKeyOutcome.Disabled, key, null);
        }
        return stage.TryGetPlan(key.Id, out var plan)
            ? new ApiKeyCheck(ApiKeyOutcome.Accepted, key, plan)
            : new ApiKeyCheck(ApiKeyOutcome.NotInPlan, key, null);
    }
}
