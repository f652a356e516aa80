namespace Tollgate.Gateway.Config;

/// <summary>
/// The config file (a Tollgate config, or a bare OpenAPI export) and every file it names
/// (definitions, keys, certificates). A load reads them once: the model comes from those bytes
/// and the revision is the digest of those same bytes (<see cref="SourceDigest"/>), so a file
/// saved while it is being loaded shows up as a new revision at the next load, never as
/// "unchanged". Once <see cref="Watch"/> is called it watches exactly the files the last load
/// read, missing ones included (creating one is a change).
/// </summary>
internal sealed class FileConfigSource : IConfigSource
{
    private readonly string _path;
    private readonly LoadOptions _options;
    private readonly object _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    // Replaced whole, never changed in place: the watchers' threads read it without the lock.
    private volatile HashSet<string> _watched = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _lastFiles;
    private bool _watching;
    private bool _disposed;

    public FileConfigSource(string path, LoadOptions options)
    {
        _path = Path.GetFullPath(path);
        _options = options;
        _lastFiles = [_path];
    }

    public string Description => _path;

    public event Action? Changed;

    /// <summary>
    /// Runs after the files are read and parsed, before the load is returned: where the old
    /// reloader read the files a second time to fingerprint them. Tests save a file here to show
    /// that such a save is not lost.
    /// </summary>
    internal Action? AfterRead { get; init; }

    public ConfigLoad Load()
    {
        var read = ConfigLoader.Read(_path, _options);
        AfterRead?.Invoke();
        lock (_gate)
        {
            _lastFiles = read.SourceFiles;
            if (_watching)
            {
                WatchFiles(read.SourceFiles);
            }
        }
        return new ConfigLoad(read.Config, read.Diagnostics, read.SourceFiles) { Revision = read.Fingerprint };
    }

    public void Watch()
    {
        lock (_gate)
        {
            _watching = true;
            WatchFiles(_lastFiles);
        }
    }

    /// <summary>The files watched now (full paths).</summary>
    internal IReadOnlyCollection<string> Watched => _watched;

    private void WatchFiles(IReadOnlyList<string> files)
    {
        if (_disposed)
        {
            return;
        }
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            wanted.Add(Path.GetFullPath(file));
        }
        if (wanted.SetEquals(_watched))
        {
            return;
        }
        DisposeWatchers();
        _watched = wanted;
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in wanted)
        {
            if (Path.GetDirectoryName(file) is not { } directory || !directories.Add(directory) || !Directory.Exists(directory))
            {
                continue;
            }
            // Watch the directory, not the file: editors replace files by renaming over them.
            var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Renamed += OnChange;
            watcher.Deleted += OnChange;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        var watched = _watched;
        if (watched.Contains(e.FullPath) || (e is RenamedEventArgs r && watched.Contains(r.OldFullPath)))
        {
            Changed?.Invoke();
        }
    }

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
        _watchers.Clear();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            DisposeWatchers();
            _watched = new HashSet<string>(StringComparer.Ordinal);
        }
    }
}
