using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// One destination's writer: a bounded queue of lines and one background loop that writes them to
/// the sink, flushing whenever the queue runs dry. A request only ever tries to enqueue its line;
/// when the queue is full the line is dropped and counted (<see cref="Dropped"/>), and the request
/// goes on unslowed.
/// </summary>
internal sealed class AccessLogWriter : IAsyncDisposable
{
    private readonly Channel<Entry> _queue;
    private readonly IAccessLogSink _sink;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly List<(long Count, TaskCompletionSource Done)> _waiters = [];
    private long _dropped;
    private long _written;
    private long _failed;
    private bool _failing;

    public AccessLogWriter(IAccessLogSink sink, int capacity, ILogger logger)
    {
        _sink = sink;
        _logger = logger;
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _loop = Task.Run(RunAsync);
    }

    private readonly record struct Entry(string? Line, TaskCompletionSource? Flushed);

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
        if (!_queue.Writer.TryWrite(new Entry(line, null)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once every line queued before it is written and flushed (shutdown, tests).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (await _queue.Writer.WaitToWriteAsync(cancellationToken) && _queue.Writer.TryWrite(new Entry(null, flushed)))
        {
            await flushed.Task.WaitAsync(cancellationToken);
        }
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
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            List<TaskCompletionSource>? flushed = null;
            var written = 0L;
            while (reader.TryRead(out var entry))
            {
                if (entry.Line is { } line)
                {
                    written += Guard(() => _sink.Write(line)) ? 1 : 0;
                }
                else
                {
                    (flushed ??= []).Add(entry.Flushed!);
                }
            }
            Guard(_sink.Flush);
            Interlocked.Add(ref _written, written);
            flushed?.ForEach(f => f.TrySetResult());
            Release();
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
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _sink.Dispose();
    }
}
