using System.Text;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Tests.Storage;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>The file source: a load's revision is the digest of the bytes it parsed; it watches what the last load read.</summary>
public sealed class FileConfigSourceTests
{
    internal static string Export(string title) => $$"""
        { "openapi": "3.0.1", "info": { "title": "{{title}}", "version": "1" },
          "paths": { "/ok": { "get": { "x-amazon-apigateway-integration": { "type": "mock",
            "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
            "responses": { "default": { "statusCode": "200" } } } } } } }
        """;

    private static string DigestOf(string path, string text)
    {
        var digest = new SourceDigest();
        digest.Add(path, Encoding.UTF8.GetBytes(text));
        return digest.Finish();
    }

    [Fact]
    public void Load_FileSavedAfterTheParse_RevisionIsOfTheBytesParsed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.json");
        File.WriteAllText(path, Export("one"));
        var saveAfterRead = (string?)null;
        using var source = new FileConfigSource(path, LoadOptions.Default)
        {
            // Where the old reloader read the files again to fingerprint them.
            AfterRead = () =>
            {
                if (Interlocked.Exchange(ref saveAfterRead, null) is { } text)
                {
                    File.WriteAllText(path, text);
                }
            },
        };

        saveAfterRead = Export("two");
        var first = source.Load();
        Assert.Equal("one", first.Config!.Apis[0].Name);
        Assert.Equal(DigestOf(path, Export("one")), first.Revision);

        var second = source.Load();
        Assert.Equal("two", second.Config!.Apis[0].Name);
        Assert.Equal(DigestOf(path, Export("two")), second.Revision);
        Assert.NotEqual(first.Revision, second.Revision);
    }

    [Fact]
    public void Reload_FileSavedDuringTheLoad_TheNextReloadSwapsNotUnchanged()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.json");
        File.WriteAllText(path, Export("one"));
        var saveAfterRead = (string?)null;
        var source = new FileConfigSource(path, LoadOptions.Default)
        {
            AfterRead = () =>
            {
                if (Interlocked.Exchange(ref saveAfterRead, null) is { } text)
                {
                    File.WriteAllText(path, text);
                }
            },
        };
        using var harness = new ReloaderHarness(source);

        File.WriteAllText(path, Export("two"));
        saveAfterRead = Export("three");
        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        Assert.Equal("two", harness.Snapshots.Current.Config.Apis[0].Name);

        // "three" was saved after "two" was parsed: the reload its save triggers must see it.
        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        Assert.Equal("three", harness.Snapshots.Current.Config.Apis[0].Name);
        Assert.Equal(DigestOf(path, Export("three")), harness.Snapshots.Current.Revision);
        Assert.Equal(ReloadOutcome.Unchanged, harness.Reloader.ReloadNow());
        source.Dispose();
    }

    [Fact]
    public void Watch_WatchesWhatTheLastLoadRead_NothingBefore()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), Export("one"));
        var config = dir.File("tollgate.yaml");
        File.WriteAllText(config, "apis:\n  - name: one\n    definition: api.json\n    stages: [ { stageName: prod } ]\n");
        using var source = new FileConfigSource(config, LoadOptions.Default);

        source.Load();
        Assert.Empty(source.Watched);
        source.Watch();
        Assert.Equal(new[] { config, dir.File("api.json") }.Order(StringComparer.Ordinal), source.Watched.Order(StringComparer.Ordinal));

        // The config now names another definition (missing yet): that is what is watched.
        File.WriteAllText(config, "apis:\n  - name: one\n    definition: other.json\n    stages: [ { stageName: prod } ]\n");
        var load = source.Load();
        Assert.NotEmpty(load.Diagnostics);
        Assert.Equal(new[] { config, dir.File("other.json") }.Order(StringComparer.Ordinal), source.Watched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Watch_WatchedFileReplaced_RaisesChanged()
    {
        using var dir = new TempDirectory();
        var path = dir.File("api.json");
        File.WriteAllText(path, Export("one"));
        using var source = new FileConfigSource(path, LoadOptions.Default);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Changed += () => changed.TrySetResult();
        source.Load();
        source.Watch();

        // Replaced the way editors save: written beside it, renamed over it.
        File.WriteAllText(path + ".tmp", Export("two"));
        File.Move(path + ".tmp", path, overwrite: true);

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
