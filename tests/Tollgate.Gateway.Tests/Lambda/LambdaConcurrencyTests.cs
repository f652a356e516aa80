using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Tests.Lambda;

public sealed class LambdaConcurrencyTests
{
    private static readonly LambdaLimits OneAndOneQueued = new(1, 1, TimeSpan.FromSeconds(1));

    private readonly FakeTimeProvider _clock = new();

    private static async Task<LambdaSlot> AdmittedAsync(ValueTask<(LambdaSlot Slot, string? Refusal)> entering)
    {
        var (slot, refusal) = await entering;
        Assert.Null(refusal);
        return slot;
    }

    [Fact]
    public async Task EnterAsync_WithinTheLimit_AdmitsAtOnce()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        var limits = new LambdaLimits(2, 0, TimeSpan.FromSeconds(1));

        var first = concurrency.EnterAsync("f", limits, default);
        var second = concurrency.EnterAsync("f", limits, default);

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal((2, 0), concurrency.Statistics("f"));
        (await AdmittedAsync(first)).Dispose();
        (await AdmittedAsync(second)).Dispose();
        Assert.Equal((0, 0), concurrency.Statistics("f"));
    }

    [Fact]
    public async Task EnterAsync_AllPlacesTaken_WaitsAndIsAdmittedWhenOneFrees()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        var holder = await AdmittedAsync(concurrency.EnterAsync("f", OneAndOneQueued, default));

        var waiting = concurrency.EnterAsync("f", OneAndOneQueued, default);

        Assert.False(waiting.IsCompleted);
        Assert.Equal((1, 1), concurrency.Statistics("f"));
        holder.Dispose();
        using var admitted = await AdmittedAsync(waiting);
        Assert.Equal((1, 0), concurrency.Statistics("f"));
    }

    [Fact]
    public async Task EnterAsync_QueueFull_RefusedAtOnce()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        using var holder = await AdmittedAsync(concurrency.EnterAsync("f", OneAndOneQueued, default));
        var waiting = concurrency.EnterAsync("f", OneAndOneQueued, default);

        var refused = concurrency.EnterAsync("f", OneAndOneQueued, default);

        Assert.True(refused.IsCompletedSuccessfully);
        Assert.Equal("'f' has 1 invocation(s) in flight and 1 waiting", (await refused).Refusal);
        Assert.False(waiting.IsCompleted);
        Assert.Equal((1, 1), concurrency.Statistics("f"));
    }

    [Fact]
    public async Task EnterAsync_NoQueue_RefusedAtOnceLikeLambdaItself()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        var limits = new LambdaLimits(1, 0, TimeSpan.FromSeconds(1));
        using var holder = await AdmittedAsync(concurrency.EnterAsync("f", limits, default));

        var refused = concurrency.EnterAsync("f", limits, default);

        Assert.True(refused.IsCompletedSuccessfully);
        Assert.Equal("'f' has 1 invocation(s) in flight and 0 waiting", (await refused).Refusal);
    }

    [Fact]
    public async Task EnterAsync_QueueTimeoutRunsOut_RefusedAndLeavesTheQueue()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        var holder = await AdmittedAsync(concurrency.EnterAsync("f", OneAndOneQueued, default));
        var waiting = concurrency.EnterAsync("f", OneAndOneQueued, default);

        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(waiting.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        var (_, refusal) = await waiting;
        Assert.Equal("'f' has 1 invocation(s) in flight and none ended within the queue timeout of 1000 ms", refusal);
        Assert.Equal((1, 0), concurrency.Statistics("f"));
        // The place it waited for goes to the next caller, not to the one that gave up.
        holder.Dispose();
        using var next = await AdmittedAsync(concurrency.EnterAsync("f", OneAndOneQueued, default));
        Assert.Equal((1, 0), concurrency.Statistics("f"));
    }

    [Fact]
    public async Task EnterAsync_CallerGivesUpWhileQueued_ThrowsAndLeavesTheQueue()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        using var holder = await AdmittedAsync(concurrency.EnterAsync("f", OneAndOneQueued, default));
        using var caller = new CancellationTokenSource();
        var waiting = concurrency.EnterAsync("f", OneAndOneQueued, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        Assert.Equal((1, 0), concurrency.Statistics("f"));
        // Its place in the queue is free again.
        var next = concurrency.EnterAsync("f", OneAndOneQueued, default);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public async Task EnterAsync_OneFunctionSaturated_AnotherFunctionIsAdmitted()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        using var holder = await AdmittedAsync(concurrency.EnterAsync("authorizer", OneAndOneQueued, default));
        var waiting = concurrency.EnterAsync("authorizer", OneAndOneQueued, default);
        Assert.NotNull((await concurrency.EnterAsync("authorizer", OneAndOneQueued, default)).Refusal);

        var other = concurrency.EnterAsync("orders", OneAndOneQueued, default);

        Assert.True(other.IsCompletedSuccessfully);
        (await AdmittedAsync(other)).Dispose();
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public async Task EnterAsync_LimitsChange_NewCallsUseTheNewLimitsAndOldCallsFinish()
    {
        using var concurrency = new LambdaConcurrency(_clock);
        var before = new LambdaLimits(1, 0, TimeSpan.FromSeconds(1));
        var after = new LambdaLimits(2, 0, TimeSpan.FromSeconds(1));
        var old = await AdmittedAsync(concurrency.EnterAsync("f", before, default));
        Assert.NotNull((await concurrency.EnterAsync("f", before, default)).Refusal);

        using var first = await AdmittedAsync(concurrency.EnterAsync("f", after, default));
        using var second = await AdmittedAsync(concurrency.EnterAsync("f", after, default));
        Assert.Equal("'f' has 2 invocation(s) in flight and 0 waiting", (await concurrency.EnterAsync("f", after, default)).Refusal);

        old.Dispose();
        Assert.Equal(1, concurrency.FunctionCount);
        Assert.Equal((2, 0), concurrency.Statistics("f"));
    }

    [Fact]
    public async Task EnterAsync_AtMaxFunctions_DropsIdleLimitersAndRefusesWhenAllAreBusy()
    {
        using var concurrency = new LambdaConcurrency(_clock, maxFunctions: 2);
        var limits = new LambdaLimits(1, 0, TimeSpan.FromSeconds(1));
        var a = await AdmittedAsync(concurrency.EnterAsync("a", limits, default));
        (await AdmittedAsync(concurrency.EnterAsync("b", limits, default))).Dispose();

        // 'b' is idle: its limiter makes room for 'c'.
        using var c = await AdmittedAsync(concurrency.EnterAsync("c", limits, default));
        Assert.Equal(2, concurrency.FunctionCount);
        Assert.Equal((1, 0), concurrency.Statistics("a"));
        Assert.Equal((0, 0), concurrency.Statistics("b"));

        // 'a' and 'c' are busy: no room for 'd', and 'a' keeps counting its call.
        Assert.Equal("'d' is refused: 2 other functions are busy", (await concurrency.EnterAsync("d", limits, default)).Refusal);
        Assert.NotNull((await concurrency.EnterAsync("a", limits, default)).Refusal);

        a.Dispose();
        using var d = await AdmittedAsync(concurrency.EnterAsync("d", limits, default));
        Assert.Equal(2, concurrency.FunctionCount);
    }

    [Fact]
    public async Task EnterAsync_ManyCallersAtOnce_NeverMoreInFlightThanTheLimit()
    {
        using var concurrency = new LambdaConcurrency(_clock, maxFunctions: 4);
        var limits = new LambdaLimits(3, 1000, TimeSpan.FromSeconds(1));
        var inFlight = 0;
        var most = 0;
        var calls = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            // Eight functions through four places in the map: limiters are dropped and made all the time.
            var function = "f" + (i % 8);
            var (slot, refusal) = await concurrency.EnterAsync(function, limits, default);
            if (refusal is not null)
            {
                return;
            }
            using (slot)
            {
                if (function == "f0")
                {
                    var now = Interlocked.Increment(ref inFlight);
                    InterlockedMax(ref most, now);
                    await Task.Yield();
                    Interlocked.Decrement(ref inFlight);
                }
            }
        })).ToArray();

        await Task.WhenAll(calls);

        Assert.True(most <= 3, $"{most} calls of one function were in flight at once; the limit is 3.");
        Assert.True(concurrency.FunctionCount <= 4);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }
            seen = previous;
        }
    }
}
