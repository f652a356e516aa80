using System.Collections.Concurrent;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>
/// What a Lambda authorizer answered for one set of identity source values: its policy (compiled
/// once, evaluated against each method ARN, as API Gateway re-evaluates a cached policy per
/// method), or for an HTTP API simple response its <c>isAuthorized</c>, which holds for every
/// route; and the values it puts in <c>$context.authorizer</c>.
/// </summary>
internal sealed class AuthorizerDecision
{
    private readonly IamPolicy? _policy;
    private readonly bool _isAuthorized;

    public AuthorizerDecision(IamPolicy policy, AuthorizerValues values, string? usageIdentifierKey)
    {
        _policy = policy;
        Values = values;
        UsageIdentifierKey = usageIdentifierKey;
    }

    /// <summary>An HTTP API simple response: <c>{isAuthorized, context}</c>.</summary>
    public AuthorizerDecision(bool isAuthorized, AuthorizerValues values)
    {
        _isAuthorized = isAuthorized;
        Values = values;
    }

    public AuthorizerValues Values { get; }

    public string? UsageIdentifierKey { get; }

    /// <summary>The decision for one method (route) ARN.</summary>
    public PolicyDecision Decide(string methodArn) => _policy is { } policy
        ? policy.Evaluate(ExecuteApiArn.InvokeAction, methodArn)
        : _isAuthorized ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
}

/// <summary>
/// A cache key: the authorizer (its <paramref name="Scope"/>, fixed when the config is compiled:
/// API, authorizer name, function and identity sources, so an unchanged authorizer keeps its
/// entries across reloads) and the identity source values of a request.
/// </summary>
internal readonly record struct AuthorizerCacheKey(string Scope, string Identity);

/// <summary>
/// Lambda authorizer results by identity source values, each kept for its authorizer's
/// <c>authorizerResultTtlInSeconds</c>. Long-lived (shared by every snapshot). Expiry uses the
/// gateway's <see cref="TimeProvider"/>. Bounded: past <see cref="MaxEntries"/>, expired entries
/// are swept, and if that is not enough the cache starts over.
/// </summary>
internal sealed class AuthorizerResultCache(TimeProvider time)
{
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<AuthorizerCacheKey, Entry> _entries = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(in AuthorizerCacheKey key, out AuthorizerDecision decision)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (time.GetUtcNow().UtcTicks < entry.ExpiresAtTicks)
            {
                decision = entry.Decision;
                return true;
            }
            if (((ICollection<KeyValuePair<AuthorizerCacheKey, Entry>>)_entries).Remove(new(key, entry)))
            {
                Interlocked.Decrement(ref _count);
            }
        }
        decision = null!;
        return false;
    }

    public void Set(in AuthorizerCacheKey key, AuthorizerDecision decision, TimeSpan ttl)
    {
        var entry = new Entry(decision, time.GetUtcNow().UtcTicks + ttl.Ticks);
        var added = false;
        _entries.AddOrUpdate(key, _ => { added = true; return entry; }, (_, _) => entry);
        if (added && Interlocked.Increment(ref _count) > MaxEntries)
        {
            Sweep();
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow().UtcTicks;
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAtTicks <= now && _entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
        if (Volatile.Read(ref _count) > MaxEntries)
        {
            _entries.Clear();
            Volatile.Write(ref _count, 0);
        }
    }

    private sealed record Entry(AuthorizerDecision Decision, long ExpiresAtTicks);
}
