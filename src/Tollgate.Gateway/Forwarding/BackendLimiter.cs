using System.Collections.Concurrent;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// Caps the requests in flight to one backend (scheme, host and port), as Envoy's circuit
/// breakers and HAProxy's per-server <c>maxconn</c> do: beyond the cap a request is refused at
/// once (<see cref="BackendBusyException"/>, answered 503) instead of opening one more socket
/// or queueing without bound. A request holds its slot from the moment it is sent until its
/// response is disposed, so a slow body or a WebSocket tunnel counts for as long as it lasts.
/// Plain-HTTP connections are only opened when no idle one is left, so a backend's open
/// connections, idle and busy, never exceed the cap either.
/// </summary>
internal sealed class BackendLimiter
{
    /// <summary>API Gateway's 10,000 requests per second at a second each; Envoy's default is 1,024.</summary>
    public const int DefaultMaxConcurrentRequests = 1024;

    /// <summary>Backends remembered at most; beyond it, the idle ones are forgotten.</summary>
    private const int MaxBackends = 4096;

    private readonly ConcurrentDictionary<string, Backend> _backends = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Backend>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public BackendLimiter(int maxConcurrentRequests)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRequests, 1);
        MaxConcurrentRequests = maxConcurrentRequests;
        _bySpan = _backends.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int MaxConcurrentRequests { get; }

    /// <summary>Takes a slot of <paramref name="backend"/> for a request to <paramref name="target"/>; false when it is at its cap.</summary>
    public bool TryEnter(Uri target, out Backend backend)
    {
        backend = For(target);
        return backend.TryEnter();
    }

    /// <summary>Requests in flight to the backend of <paramref name="target"/> (for tests and diagnostics).</summary>
    public int InFlight(Uri target) => For(target).InFlight;

    private Backend For(Uri target)
    {
        var key = Key(target);
        if (_bySpan.TryGetValue(key, out var found))
        {
            return found;
        }
        if (_backends.Count >= MaxBackends)
        {
            Forget();
        }
        return _backends.GetOrAdd(key.ToString(), static (name, limit) => new Backend(name, limit), MaxConcurrentRequests);
    }

    /// <summary><c>scheme://authority</c> of the target, without allocating.</summary>
    internal static ReadOnlySpan<char> Key(Uri target)
    {
        var text = target.OriginalString.AsSpan();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return target.GetLeftPart(UriPartial.Authority);
        }
        var rest = text[(scheme + 3)..];
        var end = rest.IndexOfAny('/', '?', '#');
        return end < 0 ? text : text[..(scheme + 3 + end)];
    }

    private void Forget()
    {
        // Backends come from the config (integration URIs and stage variables), so this only
        // happens with a config that names thousands of them: drop those with nothing in flight.
        foreach (var (name, backend) in _backends)
        {
            if (backend.InFlight == 0)
            {
                _backends.TryRemove(name, out _);
            }
        }
    }

    /// <summary>One backend's count of requests in flight.</summary>
    internal sealed class Backend(string name, int limit)
    {
        private readonly Diagnostics.OccasionalReport _refusals = new(TimeSpan.FromSeconds(1));
        private int _inFlight;

        public string Name { get; } = name;

        public int Limit { get; } = limit;

        public int InFlight => Volatile.Read(ref _inFlight);

        public bool TryEnter()
        {
            if (Interlocked.Increment(ref _inFlight) <= Limit)
            {
                return true;
            }
            Interlocked.Decrement(ref _inFlight);
            _refusals.Add();
            return false;
        }

        public void Exit() => Interlocked.Decrement(ref _inFlight);

        /// <summary>
        /// The requests refused since the last report, when a report is due (at most one a
        /// second per backend, so that an overload does not also flood the log); else 0.
        /// </summary>
        public int TakeRefusedForReport(TimeProvider time) => _refusals.TakeIfDue(time);
    }
}

/// <summary>A backend already has as many requests in flight as it may (<see cref="BackendLimiter"/>).</summary>
internal sealed class BackendBusyException(BackendLimiter.Backend backend)
    : Exception($"{backend.Name} already has {backend.Limit} requests in flight (server.maxConcurrentRequestsPerBackend)")
{
    public BackendLimiter.Backend Backend { get; } = backend;
}
