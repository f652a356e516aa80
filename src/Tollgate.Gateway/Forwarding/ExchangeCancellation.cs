using System.Collections.Concurrent;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// The cancellation of one proxied exchange: the integration timeout while the answer's head is
/// awaited, and the client hanging up throughout. Sources are pooled and reset between
/// exchanges, so a request costs no timer or linked source of its own, only a registration on
/// the client's abort token.
/// </summary>
internal sealed class ExchangeCancellation(TimeProvider time)
{
    private const int MaxPooled = 1024;

    private readonly ConcurrentQueue<CancellationTokenSource> _idle = new();
    private int _pooled;

    /// <summary>A source that cancels after <paramref name="timeout"/>, or when <paramref name="aborted"/> does.</summary>
    public Lease Rent(TimeSpan timeout, CancellationToken aborted)
    {
        CancellationTokenSource source;
        if (_idle.TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref _pooled);
            source = pooled;
            source.CancelAfter(timeout);
        }
        else
        {
            source = new CancellationTokenSource(timeout, time);
        }
        var registration = aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
        return new Lease(this, source, registration);
    }

    private void Return(CancellationTokenSource source, CancellationTokenRegistration registration)
    {
        // Disposing the registration waits for an abort callback that is running, so the source
        // is not reset while it is being cancelled.
        registration.Dispose();
        if (source.TryReset() && Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            _idle.Enqueue(source);
            return;
        }
        source.Dispose();
    }

    /// <summary>One exchange's use of a source; disposing it gives the source back.</summary>
    internal readonly struct Lease(ExchangeCancellation owner, CancellationTokenSource source, CancellationTokenRegistration registration) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public bool IsCancellationRequested => source.IsCancellationRequested;

        /// <summary>The answer's head is here: from now on only the client's hanging up cancels.</summary>
        public void StopTimeout() => source.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Dispose() => owner.Return(source, registration);
    }
}
