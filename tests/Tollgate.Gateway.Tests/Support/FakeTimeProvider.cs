namespace Tollgate.Gateway.Tests.Support;

/// <summary>A clock that moves only when a test moves it. Timers fire when their due time is passed.</summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<(long Due, TaskCompletionSource Started)> _waiters = [];
    private DateTimeOffset _now;
    private long _ticks;

    public FakeTimeProvider(DateTimeOffset? start = null) =>
        _now = start ?? new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _ticks;
        }
    }

    public void Advance(TimeSpan by)
    {
        List<FakeTimer> due;
        lock (_gate)
        {
            _now += by;
            _ticks += by.Ticks;
            due = _timers.FindAll(t => t.DueAt <= _ticks);
        }
        foreach (var t in due)
        {
            t.Fire();
        }
    }

    public void SetUtcNow(DateTimeOffset value) => Advance(value - GetUtcNow());

    /// <summary>
    /// Completes once a timer is pending that is due exactly <paramref name="fromNow"/> after the
    /// current time: a test that must not move the clock before the code under test has started
    /// its timer (on another thread) waits for this first.
    /// </summary>
    public Task WhenTimerDue(TimeSpan fromNow)
    {
        lock (_gate)
        {
            var due = _ticks + fromNow.Ticks;
            if (_timers.Exists(t => t.DueAt == due))
            {
                return Task.CompletedTask;
            }
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, started));
            return started.Task;
        }
    }

    private void TimerStarted(long due)
    {
        // Called under _gate; the completions run elsewhere.
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Due == due)
            {
                _waiters[i].Started.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;
        public long DueAt { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                _period = period;
                owner._timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = owner._ticks + dueTime.Ticks;
                    owner._timers.Add(this);
                    owner.TimerStarted(DueAt);
                }
            }
            return true;
        }

        public void Fire()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
                {
                    DueAt += _period.Ticks;
                    owner._timers.Add(this);
                }
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
