using System.IO.Pipelines;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.Gateway.Tests.Forwarding;

/// <summary>The exchange's timeout: on the head, then on each wait for body bytes (idle, not total).</summary>
public sealed class ExchangeCancellationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new();
    private readonly Pipe _body = new();

    [Fact]
    public async Task ReadAsync_NothingForTheTimeout_Cancelled()
    {
        using var lease = new ExchangeCancellation(_clock).Rent(Timeout, CancellationToken.None);
        lease.StopTimeout();

        var read = lease.ReadAsync(_body.Reader.AsStream(), new byte[16]).AsTask();
        _clock.Advance(Timeout - Tick);
        Assert.False(read.IsCompleted);
        _clock.Advance(Tick);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.True(lease.IsCancellationRequested);
    }

    [Fact]
    public async Task ReadAsync_BytesWithinTheTimeoutEachTime_NeverCancelledHoweverLongInAll()
    {
        using var lease = new ExchangeCancellation(_clock).Rent(Timeout, CancellationToken.None);
        lease.StopTimeout();
        var stream = _body.Reader.AsStream();
        var buffer = new byte[16];

        for (var i = 0; i < 10; i++)
        {
            var read = lease.ReadAsync(stream, buffer).AsTask();
            _clock.Advance(Timeout - Tick);
            await _body.Writer.WriteAsync("b"u8.ToArray());
            Assert.Equal(1, await read);
            // Between reads (the time a write to the client takes) the timer does not run.
            _clock.Advance(Timeout * 10);
        }

        Assert.False(lease.IsCancellationRequested);
    }

    [Fact]
    public async Task StopTimeout_HeadArrived_OnlyTheClientCancels()
    {
        using var aborted = new CancellationTokenSource();
        using var lease = new ExchangeCancellation(_clock).Rent(Timeout, aborted.Token);

        lease.StopTimeout();
        _clock.Advance(Timeout * 10);
        Assert.False(lease.IsCancellationRequested);

        await aborted.CancelAsync();
        Assert.True(lease.IsCancellationRequested);
    }
}
