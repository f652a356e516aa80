namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>
/// A token whose signature verified and whose payload decoded: what a later request presenting
/// the very same token may skip. Immutable but for <see cref="Referenced"/>.
/// </summary>
internal sealed class VerifiedToken
{
    public VerifiedToken(string token, string alg, string issuer, string kid, JwtSigningKey key, long exp, JwtValidationResult result)
    {
        Token = token;
        Hash = VerifiedTokenCache.Hash(token);
        Alg = alg;
        Issuer = issuer;
        Kid = kid;
        Key = key;
        Exp = exp;
        Result = result;
    }

    /// <summary>The whole token (without <c>Bearer </c>), compared in full on every lookup.</summary>
    public string Token { get; }

    public int Hash { get; }

    public string Alg { get; }

    public string Issuer { get; }

    public string Kid { get; }

    /// <summary>The key object that verified the signature; a hit requires the JWKS cache to still hand out this very instance.</summary>
    public JwtSigningKey Key { get; }

    /// <summary>The token's <c>exp</c> (Unix seconds): the entry is dead from this second on, whatever the clock skew.</summary>
    public long Exp { get; }

    /// <summary>The success result over the decoded payload, shared by every request with this token (its claims are built once).</summary>
    public JwtValidationResult Result { get; }

    /// <summary>Set by a hit, cleared when the entry survives an eviction in its set (second chance).</summary>
    public int Referenced;
}

/// <summary>
/// A fixed-size cache of verified tokens (Envoy's jwt_authn <c>jwt_cache_config</c>): a client
/// that presents the same token again skips the signature verification and the payload decoding.
/// Only these are skipped; the validator still checks the algorithm, issuer, key, times, audience,
/// <c>token_use</c> and scopes on every request. Only tokens that verified are stored, so a flood
/// of bad tokens cannot touch it.
/// <para>
/// The slots are one array of <see cref="Capacity"/> references allocated up front, in sets of
/// four chosen by the token's hash (randomised per process, so nobody can aim tokens at one set).
/// A lookup reads at most four slots without a lock or an allocation and compares the whole token.
/// A new entry takes an empty or dead slot of its set, else the one not hit since the set last
/// evicted (second chance), else the one that expires first. Memory is bounded by
/// <see cref="Capacity"/> entries of at most <see cref="MaxTokenLength"/> characters each. Two
/// threads writing one set at once may drop an entry: a cost of one verification, never a wrong answer.
/// </para>
/// </summary>
internal sealed class VerifiedTokenCache
{
    /// <summary>Entries kept by one gateway: 10,000 (a few KB each for ordinary Cognito tokens).</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>Longest token cached: 4,096 characters; longer ones (rare: Cognito ID tokens are 1 to 2 KB) are verified every time.</summary>
    public const int MaxTokenLength = 4096;

    private const int Ways = 4;

    private const int HashedChars = 64;

    private readonly VerifiedToken?[] _slots;
    private readonly uint _sets;

    /// <summary>A cache of <paramref name="capacity"/> entries (rounded up to a multiple of four); 0 caches nothing.</summary>
    public VerifiedTokenCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _sets = (uint)((capacity + Ways - 1) / Ways);
        _slots = new VerifiedToken?[_sets * Ways];
    }

    public int Capacity => _slots.Length;

    /// <summary>Entries held now (counts the slots: for tests and metrics, not the hot path).</summary>
    public int Count
    {
        get
        {
            var n = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Volatile.Read(ref _slots[i]) is not null)
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <summary>The live entry for exactly this token, or null. <paramref name="now"/> is Unix seconds.</summary>
    public VerifiedToken? Find(ReadOnlySpan<char> token, long now)
    {
        if (_sets == 0 || token.Length > MaxTokenLength)
        {
            return null;
        }
        var hash = Hash(token);
        var first = SetStart(hash);
        for (var i = first; i < first + Ways; i++)
        {
            var entry = Volatile.Read(ref _slots[i]);
            if (entry is null || entry.Hash != hash || !token.SequenceEqual(entry.Token))
            {
                continue;
            }
            if (now >= entry.Exp)
            {
                Interlocked.CompareExchange(ref _slots[i], null, entry);
                return null;
            }
            if (entry.Referenced == 0)
            {
                entry.Referenced = 1;
            }
            return entry;
        }
        return null;
    }

    /// <summary>Whether a verified token of this length would be stored (false when caching is off): saves building an entry for nothing.</summary>
    public bool Accepts(string token) => _sets != 0 && token.Length <= MaxTokenLength;

    /// <summary>Stores a verified token, unless caching is off, the token is too long or already expired.</summary>
    public void Add(VerifiedToken entry, long now)
    {
        if (_sets == 0 || entry.Token.Length > MaxTokenLength || now >= entry.Exp)
        {
            return;
        }
        var first = SetStart(entry.Hash);
        // The token's own older entry (verified with a key since replaced) first, so it is never held
        // twice; else an empty or dead slot.
        var victim = -1;
        for (var i = first; i < first + Ways; i++)
        {
            var e = Volatile.Read(ref _slots[i]);
            if (e is not null && e.Hash == entry.Hash && e.Token == entry.Token)
            {
                victim = i;
                break;
            }
            if (victim < 0 && (e is null || now >= e.Exp))
            {
                victim = i;
            }
        }
        if (victim < 0)
        {
            var earliest = first;
            var earliestExp = long.MaxValue;
            for (var i = first; i < first + Ways; i++)
            {
                // Another thread may have emptied the slot since the first pass: then it is taken as is.
                var e = Volatile.Read(ref _slots[i]);
                if (e is null || (victim < 0 && e.Referenced == 0))
                {
                    victim = i;
                }
                if (e is not null)
                {
                    if (e.Exp < earliestExp)
                    {
                        earliest = i;
                        earliestExp = e.Exp;
                    }
                    e.Referenced = 0;
                }
            }
            victim = victim < 0 ? earliest : victim;
        }
        Volatile.Write(ref _slots[victim], entry);
    }

    /// <summary>
    /// Marvin, seeded per process (which set a token lands in cannot be predicted from outside),
    /// over the last <see cref="HashedChars"/> characters: the end of the signature, which differs
    /// between any two signed tokens. Hashing all of a 1 KB token would cost more than the rest of a
    /// hit; tokens that share their end only share a set, and are told apart by the full comparison.
    /// </summary>
    internal static int Hash(ReadOnlySpan<char> token) => string.GetHashCode(token[Math.Max(0, token.Length - HashedChars)..]);

    /// <summary>First slot of the hash's set: multiply-shift onto [0, sets), so the set count need not be a power of two.</summary>
    private int SetStart(int hash) => (int)(((ulong)(uint)hash * _sets) >> 32) * Ways;
}
