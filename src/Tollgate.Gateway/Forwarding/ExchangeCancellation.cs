using System.Collections.Concurrent;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// The cancellation of one proxied exchange: the integration timeout while the answer's head is
/// awaited and then for each wait on the answer's body (<see cref="Lease.ReadAsync"/>), and the
/// client hanging up throughout. Sources are pooled and reset between exchanges, so a request
/// costs no timer or linked source of its own, only a registration on the client's abort token.
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
        return new Lease(this, source, registration, timeout);
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
    internal readonly struct Lease(ExchangeCancellation owner, CancellationTokenSource source, CancellationTokenRegistration registration, TimeSpan timeout) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public bool IsCancellationRequested => source.IsCancellationRequested;

        /// <summary>The timeout, which bounds the wait for the head and then each wait for body bytes.</summary>
        public TimeSpan Timeout => timeout;

        /// <summary>The answer's head is here: from now on only the client's hanging up cancels, but during <see cref="ReadAsync"/>.</summary>
        public void StopTimeout() => source.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);

        /// <summary>
        /// One read of the answer's body, bounded by the timeout: an idle timeout, as nginx's
        /// <c>proxy_read_timeout</c>, started afresh for every read and stopped when it returns,
        /// so a body that keeps coming is never cut however long it takes in all, and time spent
        /// writing to a slow client does not count (Kestrel's minimum data rate bounds that).
        /// A read that completes at once (the bytes were already buffered) never arms the timer:
        /// it is armed only once the read has to wait, and the pending read still observes it
        /// through the token it was given.
        /// </summary>
        public async ValueTask<int> ReadAsync(Stream body, Memory<byte> buffer)
        {
            var pending = body.ReadAsync(buffer, source.Token);
            if (pending.IsCompleted)
            {
                return await pending;
            }
            source.CancelAfter(timeout);
            var read = await pending;
            source.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
            return read;
        }

        public void Dispose() => owner.Return(source, registration);
    }
}
