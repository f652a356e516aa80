using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Observability;

namespace Tollgate.Gateway.Tests.Observability;

/// <summary>The bounded queue, its background loop, and size rotation of files.</summary>
public sealed class AccessLogWriterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-accesslog-writer-" + Guid.NewGuid().ToString("N"));

    public AccessLogWriterTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Line(int i) => $"line {i.ToString("D5", CultureInfo.InvariantCulture)} {new string('x', i % 50)}";

    [Fact]
    public async Task Rotation_ManyLinesSmallFiles_EveryLineOnceNoFileTooBig()
    {
        const int N = 2000;
        var path = Path.Combine(_directory, "access.log");
        var options = new AccessLogOptions { MaxFileBytes = 1024, MaxFiles = 1000, QueueLines = N };
        var sink = new RotatingFileSink(path, options);
        var writer = new AccessLogWriter(sink, options.QueueLines, NullLogger.Instance);
        // Writers on several threads at once, as requests are.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = t; i < N; i += 4)
            {
                writer.Write(Line(i));
            }
        })));
        await writer.DisposeAsync();

        var files = Directory.GetFiles(_directory);
        Assert.True(sink.Rotations > 50, $"{sink.Rotations} rotations");
        Assert.Equal(sink.Rotations + 1, files.Length);
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 1024));
        var lines = files.SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(N, lines.Count);
        Assert.Equal(Enumerable.Range(0, N).Select(Line).Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        Assert.Equal(0, writer.Dropped);
        Assert.Equal(N, writer.Written);
    }

    [Fact]
    public void Rotation_ByTime_OnTheHour_NeverAnEmptyFile()
    {
        var path = Path.Combine(_directory, "access.log");
        var time = new Support.FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero));
        var options = new AccessLogOptions { RotateInterval = TimeSpan.FromHours(1), MaxFiles = 5 };
        using var sink = new RotatingFileSink(path, options, time);

        sink.Write("10:15");
        time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 10, 59, 59, TimeSpan.Zero));
        sink.Write("10:59:59");
        time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 11, 0, 0, TimeSpan.Zero));
        sink.Write("11:00");
        sink.Write("11:00 again");
        // Three quiet hours: one rotation when the next line comes, no empty files for the hours between.
        time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 14, 30, 0, TimeSpan.Zero));
        sink.Write("14:30");
        sink.Flush();

        Assert.Equal(2, sink.Rotations);
        Assert.Equal(["10:15", "10:59:59"], File.ReadAllLines(path + ".2"));
        Assert.Equal(["11:00", "11:00 again"], File.ReadAllLines(path + ".1"));
        Assert.Equal(["14:30"], File.ReadAllLines(path));
        Assert.Equal(3, Directory.GetFiles(_directory).Length);
    }

    [Fact]
    public async Task Rotation_MaxFiles_OldestDeletedNewestKeptInOrder()
    {
        var path = Path.Combine(_directory, "access.log");
        var options = new AccessLogOptions { MaxFileBytes = 1024, MaxFiles = 2 };
        var writer = new AccessLogWriter(new RotatingFileSink(path, options), 10_000, NullLogger.Instance);
        for (var i = 0; i < 500; i++)
        {
            writer.Write(Line(i));
        }
        await writer.DisposeAsync();

        Assert.Equal(["access.log", "access.log.1", "access.log.2"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // Oldest first: .2, .1, then the current file; together the newest lines, without a gap.
        var kept = new[] { path + ".2", path + ".1", path }.SelectMany(File.ReadAllLines).ToList();
        var first = int.Parse(kept[0].AsSpan(5, 5), CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(first, 500 - first).Select(Line), kept);
    }

    [Fact]
    public async Task Rotation_ExistingFile_AppendedToAndCounted()
    {
        var path = Path.Combine(_directory, "access.log");
        File.WriteAllText(path, new string('o', 1000) + "\n");
        var writer = new AccessLogWriter(new RotatingFileSink(path, new AccessLogOptions { MaxFileBytes = 1024 }), 10, NullLogger.Instance);
        writer.Write("first line after restart, too long for what is left");
        await writer.DisposeAsync();

        Assert.Equal("first line after restart, too long for what is left\n", File.ReadAllText(path));
        Assert.Equal(new string('o', 1000) + "\n", File.ReadAllText(path + ".1"));
    }

    [Fact]
    public async Task Write_QueueFull_DropsAndCountsWithoutWaiting()
    {
        var sink = new GatedSink();
        var writer = new AccessLogWriter(sink, capacity: 4, NullLogger.Instance);
        writer.Write("held");
        await sink.Entered.Task.WaitAsync(Patience);

        // The loop is stuck in the sink: four lines fill the queue, the next three are dropped.
        for (var i = 0; i < 7; i++)
        {
            writer.Write($"queued {i}");
        }
        Assert.Equal(3, writer.Dropped);
        Assert.Equal(0, writer.Written);

        sink.Gate.Set();
        await writer.FlushAsync().WaitAsync(Patience);
        Assert.Equal(["held", "queued 0", "queued 1", "queued 2", "queued 3"], sink.Lines);
        Assert.Equal(5, writer.Written);
        Assert.Equal(3, writer.Dropped);
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task Write_ManyLinesAtOnce_WrittenInBatchesNotOneFlushEach()
    {
        var sink = new GatedSink();
        sink.Gate.Set();
        var writer = new AccessLogWriter(sink, 10_000, NullLogger.Instance);
        const int N = 2000;
        for (var i = 0; i < N; i++)
        {
            writer.Write(Line(i));
        }
        await writer.WhenWrittenAsync(N).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, N).Select(Line), sink.Lines);
        // The loop lets lines gather (AccessLogWriter.FlushInterval) instead of waking for each:
        // a handful of batches, not one flush (a write system call) per line.
        Assert.InRange(sink.Flushes, 1, N / 20);
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task Write_SinkFails_CountedLaterLinesStillWritten()
    {
        var sink = new GatedSink { FailOn = "bad" };
        sink.Gate.Set();
        var writer = new AccessLogWriter(sink, 10, NullLogger.Instance);
        writer.Write("bad");
        writer.Write("good");
        await writer.DisposeAsync();

        Assert.Equal(["good"], sink.Lines);
        Assert.Equal(1, writer.Failed);
        Assert.Equal(1, writer.Written);
    }

    /// <summary>A sink that blocks in its first write until the test opens the gate.</summary>
    private sealed class GatedSink : IAccessLogSink
    {
        public ManualResetEventSlim Gate { get; } = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Lines { get; } = [];

        public string? FailOn { get; init; }

        public string Name => "gated";

        public void Write(string line)
        {
            Entered.TrySetResult();
            Gate.Wait();
            if (line == FailOn)
            {
                throw new IOException("disk full");
            }
            Lines.Add(line);
        }

        public int Flushes { get; private set; }

        public void Flush() => Flushes++;

        public void Dispose() => Gate.Dispose();
    }
}
