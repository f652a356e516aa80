using System.Text;

namespace Tollgate.Gateway.Tests.Support;

/// <summary>
/// Compares text with a golden file under tests/fixtures. With TOLLGATE_UPDATE_GOLDEN=1 the file
/// is (re)written instead; review the diff before committing it.
/// </summary>
internal static class Golden
{
    public static string FixturesDirectory { get; } = FindFixtures();

    public static void Verify(string relativePath, string actual)
    {
        var path = Path.Combine(FixturesDirectory, relativePath);
        if (Environment.GetEnvironmentVariable("TOLLGATE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with TOLLGATE_UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            Assert.Fail($"{relativePath} differs from the imported model (run with TOLLGATE_UPDATE_GOLDEN=1 to accept):\n{Diff(expected, actual)}");
        }
    }

    /// <summary>A small line diff: the first differing region with a few lines of context.</summary>
    internal static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }
        var endA = a.Length - 1;
        var endB = b.Length - 1;
        while (endA >= start && endB >= start && a[endA] == b[endB])
        {
            endA--;
            endB--;
        }
        var text = new StringBuilder();
        for (var i = Math.Max(0, start - 3); i < start; i++)
        {
            text.Append("  ").Append(i + 1).Append(": ").AppendLine(a[i]);
        }
        for (var i = start; i <= endA && i < start + 40; i++)
        {
            text.Append("- ").Append(i + 1).Append(": ").AppendLine(a[i]);
        }
        for (var i = start; i <= endB && i < start + 40; i++)
        {
            text.Append("+ ").Append(i + 1).Append(": ").AppendLine(b[i]);
        }
        return text.ToString();
    }

    private static string FindFixtures()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
