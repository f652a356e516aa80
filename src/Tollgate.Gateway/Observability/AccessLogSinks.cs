using System.Text;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Observability;

/// <summary>Where an access-log writer puts its lines; called from the writer's one loop only.</summary>
internal interface IAccessLogSink : IDisposable
{
    /// <summary><c>stdout</c> or the file's path.</summary>
    string Name { get; }

    /// <summary>Writes one line and its line break (buffered).</summary>
    void Write(string line);

    /// <summary>Pushes buffered lines out.</summary>
    void Flush();
}

/// <summary>Lines to a stream: the process's standard output.</summary>
internal sealed class StreamSink(string name, Stream stream) : IAccessLogSink
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { NewLine = "\n" };

    public string Name { get; } = name;

    public void Write(string line) => _writer.WriteLine(line);

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}

/// <summary>
/// Lines to a file, rotated by size and, when <see cref="AccessLogOptions.RotateInterval"/> is set,
/// by time: before a line would take the file past <see cref="AccessLogOptions.MaxFileBytes"/>, or
/// when the first line after an interval boundary (UTC, counted from the epoch: every hour on the
/// hour for 3600 s) comes, <c>x.log.N-1</c> moves to <c>x.log.N</c>, ..., <c>x.log</c> to
/// <c>x.log.1</c>, and a new <c>x.log</c> is begun; the oldest beyond
/// <see cref="AccessLogOptions.MaxFiles"/> is deleted. A line is never split across files, and an
/// empty file is never rotated. The file is opened on the first line, appending to what is there.
/// </summary>
internal sealed class RotatingFileSink(string path, AccessLogOptions options, TimeProvider? time = null) : IAccessLogSink
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private StreamWriter? _writer;
    private long _size;
    private DateTimeOffset _nextBoundary = DateTimeOffset.MaxValue;

    public string Name { get; } = path;

    /// <summary>Files rotated so far.</summary>
    public int Rotations { get; private set; }

    public void Write(string line)
    {
        var bytes = Utf8.GetByteCount(line) + 1;
        var writer = _writer ?? Open();
        if (_size > 0 && (_size + bytes > options.MaxFileBytes || (_nextBoundary != DateTimeOffset.MaxValue && _time.GetUtcNow() >= _nextBoundary)))
        {
            writer = Rotate();
        }
        writer.Write(line);
        writer.Write('\n');
        _size += bytes;
    }

    public void Flush() => _writer?.Flush();

    private StreamWriter Open()
    {
        if (Path.GetDirectoryName(Name) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
        var file = new FileStream(Name, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
        _size = file.Length;
        if (options.RotateInterval > TimeSpan.Zero)
        {
            // The next boundary after now: a file is rotated at most once per interval.
            var interval = options.RotateInterval.Ticks;
            var now = _time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            _nextBoundary = DateTimeOffset.UnixEpoch.AddTicks((now / interval + 1) * interval);
        }
        return _writer = new StreamWriter(file, Utf8, 64 * 1024);
    }

    private StreamWriter Rotate()
    {
        _writer!.Dispose();
        _writer = null;
        var oldest = Numbered(options.MaxFiles);
        if (File.Exists(oldest))
        {
            File.Delete(oldest);
        }
        for (var n = options.MaxFiles - 1; n >= 1; n--)
        {
            if (File.Exists(Numbered(n)))
            {
                File.Move(Numbered(n), Numbered(n + 1), overwrite: true);
            }
        }
        File.Move(Name, Numbered(1), overwrite: true);
        Rotations++;
        return Open();
    }

    private string Numbered(int n) => Name + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _writer?.Dispose();
}
