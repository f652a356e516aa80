using System.Text.Json;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Tests.Schemas;

/// <summary>
/// Loads the vendored JSON-Schema-Test-Suite (tests/fixtures/json-schema-test-suite, see its
/// README for the version) and serves its remote documents from files.
/// </summary>
internal static class Draft4Suite
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "json-schema-test-suite");

    private static readonly Dictionary<string, JsonDocument> Files = new(StringComparer.Ordinal);

    /// <summary>One row per suite test: file, group description, test description, and their indexes.</summary>
    public static TheoryData<string, string, string, int, int> Cases(bool optional)
    {
        var data = new TheoryData<string, string, string, int, int>();
        var directory = Path.Combine(Root, "draft4");
        foreach (var path in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(directory, path).Replace('\\', '/');
            if (file.StartsWith("optional/", StringComparison.Ordinal) != optional)
            {
                continue;
            }
            var groups = Load(file).RootElement;
            for (var g = 0; g < groups.GetArrayLength(); g++)
            {
                var tests = groups[g].GetProperty("tests");
                for (var t = 0; t < tests.GetArrayLength(); t++)
                {
                    data.Add(file, groups[g].GetProperty("description").GetString()!, tests[t].GetProperty("description").GetString()!, g, t);
                }
            }
        }
        return data;
    }

    /// <summary>Runs one suite test: whether the validator found the data valid, and what the suite expects.</summary>
    public static (bool Actual, bool Expected) Run(string file, int group, int test)
    {
        var groupElement = Load(file).RootElement[group];
        var testElement = groupElement.GetProperty("tests")[test];
        var schema = JsonSchema.Compile(groupElement.GetProperty("schema"), resolver: new RemoteFiles());
        var data = testElement.GetProperty("data");
        var actual = schema.IsValid(data);
        // The collecting pass must agree with the fast one.
        var result = schema.Validate(data);
        Assert.Equal(actual, result.IsValid);
        return (actual, testElement.GetProperty("valid").GetBoolean());
    }

    private static JsonDocument Load(string file)
    {
        lock (Files)
        {
            if (!Files.TryGetValue(file, out var document))
            {
                document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "draft4", file)));
                Files[file] = document;
            }
            return document;
        }
    }

    /// <summary>Serves <c>http://localhost:1234/...</c> from remotes/ and the draft-04 meta-schema, never the network.</summary>
    private sealed class RemoteFiles : ISchemaResolver
    {
        public bool TryGetDocument(Uri documentUri, out JsonElement document)
        {
            document = default;
            string? path = null;
            if (documentUri.Host == "localhost" && documentUri.Port == 1234)
            {
                path = Path.Combine(Root, "remotes", documentUri.AbsolutePath.TrimStart('/'));
            }
            else if (documentUri.AbsoluteUri == "http://json-schema.org/draft-04/schema")
            {
                path = Path.Combine(AppContext.BaseDirectory, "fixtures", "json-schema-meta", "draft-04-schema.json");
            }
            if (path is null || !File.Exists(path))
            {
                return false;
            }
            using var parsed = JsonDocument.Parse(File.ReadAllBytes(path));
            document = parsed.RootElement.Clone();
            return true;
        }
    }
}
