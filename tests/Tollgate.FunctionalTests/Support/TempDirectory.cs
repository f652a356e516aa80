namespace Tollgate.FunctionalTests.Support;

/// <summary>A directory of its own for one test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tollgate-test-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Replaces a file the way editors do: write beside it, then rename over it.</summary>
    public string Write(string name, string content)
    {
        var target = File(name);
        var temporary = target + ".tmp-" + Guid.NewGuid().ToString("N");
        System.IO.File.WriteAllText(temporary, content);
        System.IO.File.Move(temporary, target, overwrite: true);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
