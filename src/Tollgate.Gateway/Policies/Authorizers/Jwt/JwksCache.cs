using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;

namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>The answer of a key lookup.</summary>
internal enum JwksLookupStatus
{
    Found,

    /// <summary>The issuer's keys are loaded but none has this kid (after at most one refresh).</summary>
    UnknownKey,

    /// <summary>The issuer's keys could never be loaded (discovery or JWKS fetch failed).</summary>
    Unavailable,
}

/// <summary>
/// The signing keys of each issuer, fetched from its JWKS (found through
/// <c>{issuer}/.well-known/openid-configuration</c>, or from a configured URL) and kept in
/// memory. A token with an unknown kid, or keys older than <see cref="MaxKeyAge"/>, cause a
/// refresh, at most one per issuer per <see cref="MinRefreshInterval"/>, shared by all requests
/// that want it. A failed refresh keeps the keys already known.
/// </summary>
internal sealed class JwksCache : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<string, string> _jwksUris;
    private readonly ConcurrentDictionary<(string Issuer, string? JwksUri), IssuerKeys> _issuers = new();

    public JwksCache(HttpClient http, TimeProvider time, IReadOnlyDictionary<string, string>? jwksUriOverrides = null)
    {
        _http = http;
        _time = time;
        _jwksUris = jwksUriOverrides ?? FrozenDictionary<string, string>.Empty;
    }

    /// <summary>Fewest seconds between two fetches for one issuer: one minute.</summary>
    public TimeSpan MinRefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Keys older than this are refreshed before use (AWS caches JWKS for two hours); stale keys serve if the refresh fails.</summary>
    public TimeSpan MaxKeyAge { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How many times a JWKS was fetched (for tests and metrics).</summary>
    public int FetchCount => Volatile.Read(ref _fetchCount);

    private int _fetchCount;

    public ValueTask<(JwksLookupStatus Status, JwtSigningKey? Key)> GetKeyAsync(string issuer, string kid, CancellationToken cancellationToken) =>
        GetKeyAsync(issuer, null, kid, cancellationToken);

    /// <summary>
    /// Looks a key up; <paramref name="jwksUri"/> names the issuer's JWKS instead of discovery (a
    /// per-config override). Issuers with different overrides keep separate keys, so a reload that
    /// changes the URL does not serve keys from the old one.
    /// </summary>
    public ValueTask<(JwksLookupStatus Status, JwtSigningKey? Key)> GetKeyAsync(string issuer, string? jwksUri, string kid, CancellationToken cancellationToken)
    {
        var state = _issuers.GetOrAdd((issuer, jwksUri), static k => new IssuerKeys(k.Issuer, k.JwksUri));
        var keys = state.Keys;
        if (keys is not null && keys.TryGetValue(kid, out var key)
            && _time.GetUtcNow().UtcTicks - Volatile.Read(ref state.LoadedAtTicks) < MaxKeyAge.Ticks)
        {
            return ValueTask.FromResult<(JwksLookupStatus, JwtSigningKey?)>((JwksLookupStatus.Found, key));
        }
        return RefreshAndLookupAsync(state, kid, cancellationToken);
    }

    private async ValueTask<(JwksLookupStatus, JwtSigningKey?)> RefreshAndLookupAsync(IssuerKeys state, string kid, CancellationToken cancellationToken)
    {
        Task? refresh = null;
        lock (state)
        {
            var now = _time.GetUtcNow();
            if (state.Pending is not null)
            {
                refresh = state.Pending;
            }
            else if (state.LastAttempt is not { } last || now - last >= MinRefreshInterval)
            {
                state.LastAttempt = now;
                refresh = state.Pending = RefreshAsync(state);
            }
        }
        if (refresh is not null)
        {
            await refresh.WaitAsync(cancellationToken);
        }
        var keys = state.Keys;
        if (keys is null)
        {
            return (JwksLookupStatus.Unavailable, null);
        }
        return keys.TryGetValue(kid, out var key) ? (JwksLookupStatus.Found, key) : (JwksLookupStatus.UnknownKey, null);
    }

    private async Task RefreshAsync(IssuerKeys state)
    {
        await Task.Yield();
        try
        {
            var uri = state.ConfiguredJwksUri
                ?? (_jwksUris.TryGetValue(state.Issuer, out var configured) ? configured : state.DiscoveredJwksUri);
            if (uri is null)
            {
                var discovery = state.Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
                using var doc = JsonDocument.Parse(await _http.GetByteArrayAsync(discovery));
                uri = doc.RootElement.TryGetProperty("jwks_uri", out var j) && j.ValueKind == JsonValueKind.String
                    ? j.GetString()
                    : throw new FormatException($"{discovery} has no jwks_uri.");
                state.DiscoveredJwksUri = uri;
            }
            Interlocked.Increment(ref _fetchCount);
            var keys = JwtSigningKey.ParseJwks(await _http.GetByteArrayAsync(uri));
            var map = new Dictionary<string, JwtSigningKey>(StringComparer.Ordinal);
            foreach (var k in keys)
            {
                map.TryAdd(k.Kid, k);
            }
            // Old key objects are not disposed: requests in flight may still be verifying with them.
            state.Keys = map.ToFrozenDictionary(StringComparer.Ordinal);
            Volatile.Write(ref state.LoadedAtTicks, _time.GetUtcNow().UtcTicks);
            state.LastError = null;
        }
        catch (Exception e) when (e is HttpRequestException or FormatException or JsonException or TaskCanceledException)
        {
            state.LastError = e.Message;
        }
        finally
        {
            lock (state)
            {
                state.Pending = null;
            }
        }
    }

    /// <summary>Why the last refresh of an issuer failed, if it did (for logs).</summary>
    public string? LastError(string issuer, string? jwksUri = null) => _issuers.TryGetValue((issuer, jwksUri), out var s) ? s.LastError : null;

    public void Dispose()
    {
        foreach (var state in _issuers.Values)
        {
            if (state.Keys is { } keys)
            {
                foreach (var k in keys.Values)
                {
                    k.Dispose();
                }
            }
        }
    }

    private sealed class IssuerKeys(string issuer, string? configuredJwksUri)
    {
        public string Issuer { get; } = issuer;
        public string? ConfiguredJwksUri { get; } = configuredJwksUri;
        public volatile FrozenDictionary<string, JwtSigningKey>? Keys;
        public long LoadedAtTicks;
        public DateTimeOffset? LastAttempt;
        public Task? Pending;
        public string? DiscoveredJwksUri;
        public volatile string? LastError;
    }
}
