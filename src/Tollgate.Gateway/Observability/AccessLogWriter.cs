using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// One destination's writer: a bounded queue of lines and one background loop that writes them to
/// the sink in batches. A request only ever tries to enqueue its line; when the queue is full the
/// line is dropped and counted (<see cref="Dropped"/>), and the request goes on unslowed.
/// </summary>
/// <remarks>
/// The loop is not woken for every line: that would cost a thread wake-up and a write system call
/// per request. It wakes when a line arrives in an empty queue, then waits
/// <see cref="FlushInterval"/> for more to gather (or less, once the queue is half full, or a flush
/// or shutdown asks), writes them all and flushes once, as nginx's <c>buffer=</c>/<c>flush=</c> and
/// Envoy's file flush interval do. A line reaches the file within about
/// <see cref="FlushInterval"/> of its request ending.
/// </remarks>
internal sealed class AccessLogWriter : IAsyncDisposable
{
    /// <summary>How long the loop lets lines gather before writing them.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _flushes = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly SemaphoreSlim _urgent = new(0);
    private readonly int _capacity;
    private readonly IAccessLogSink _sink;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly List<(long Count, TaskCompletionSource Done)> _waiters = [];
    private int _count;
    private volatile bool _completed;
    private long _dropped;
    private long _written;
    private long _failed;
    private bool _failing;

    public AccessLogWriter(IAccessLogSink sink, int capacity, ILogger logger)
    {
        _sink = sink;
        _logger = logger;
        _capacity = capacity;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Where the lines go (<c>stdout</c> or a file path).</summary>
    public string Destination => _sink.Name;

    /// <summary>Lines dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines handed to the sink.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Lines the sink failed to write (a full disk, a file that cannot be opened).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Queues a line; never waits. A full queue drops it and counts it.</summary>
    public void Write(string line)
    {
        var count = Interlocked.Increment(ref _count);
        if (count > _capacity || _completed)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return;
        }
        _lines.Enqueue(line);
        if (count == 1)
        {
            _arrived.Release();
        }
        else if (count == (_capacity + 1) / 2)
        {
            _urgent.Release();
        }
    }

    /// <summary>Completes once every line queued before it is written and flushed (shutdown, tests).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            // Shut down: the loop writes everything queued before it ends.
            await _loop.WaitAsync(cancellationToken);
            return;
        }
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushes.Enqueue(flushed);
        _arrived.Release();
        _urgent.Release();
        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes once <paramref name="count"/> lines in all have been written and flushed (tests wait on it).</summary>
    internal Task WhenWrittenAsync(long count)
    {
        lock (_waiters)
        {
            if (Written >= count)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            // Asleep until a line comes to an empty queue (or a flush or shutdown asks) ...
            await _arrived.WaitAsync().ConfigureAwait(false);
            // ... then lines gather for a while, unless the queue fills or someone waits.
            if (!_completed && _flushes.IsEmpty)
            {
                await _urgent.WaitAsync(FlushInterval).ConfigureAwait(false);
            }
            // Flushes asked for before the drain are answered by it: their lines are in it.
            var flushes = new List<TaskCompletionSource>();
            while (_flushes.TryDequeue(out var flush))
            {
                flushes.Add(flush);
            }
            var written = 0L;
            var taken = 0;
            while (_lines.TryDequeue(out var line))
            {
                // A line taken frees its place in the queue.
                Interlocked.Decrement(ref _count);
                taken++;
                written += Guard(() => _sink.Write(line)) ? 1 : 0;
            }
            if (taken > 0)
            {
                Guard(_sink.Flush);
            }
            Interlocked.Add(ref _written, written);
            // A line counted but not yet dequeued is taken at the next turn: wake for it. (Its
            // writer may have released too, having made the count 1; an extra turn costs nothing.)
            if (Volatile.Read(ref _count) > 0)
            {
                _arrived.Release();
            }
            flushes.ForEach(f => f.TrySetResult());
            Release();
            if (_completed && _lines.IsEmpty && _flushes.IsEmpty)
            {
                return;
            }
        }
    }

    private void Release()
    {
        lock (_waiters)
        {
            var written = Written;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= written)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Runs a sink call; a failure is counted and logged once until the sink works again.</summary>
    private bool Guard(Action action)
    {
        try
        {
            action();
            _failing = false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _failed);
            if (!_failing)
            {
                _failing = true;
                _logger.LogError("Access log {Destination}: writing failed, lines are lost until it works again: {Message}", _sink.Name, e.Message);
            }
            return false;
        }
    }

    /// <summary>Writes what is queued, then closes the sink.</summary>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        _arrived.Release();
        _urgent.Release();
        await _loop.ConfigureAwait(false);
        _sink.Dispose();
        _arrived.Dispose();
        _urgent.Dispose();
    }
}
