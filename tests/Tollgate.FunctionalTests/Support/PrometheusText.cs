using System.Globalization;
using System.Text.RegularExpressions;

namespace Tollgate.FunctionalTests.Support;

/// <summary>One sample of the Prometheus text format: name, labels (a missing label reads ""), value.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}

/// <summary>Parses the Prometheus text exposition format, strictly enough for tests to find samples by name and labels.</summary>
public static partial class PrometheusText
{
    public static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in LabelPair().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["k"].Value] = label.Groups["v"].Value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }
        return samples;
    }

    /// <summary>The one sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/> ("" = absent).</summary>
    public static Sample Single(List<Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        var found = Where(samples, name, labels).ToList();
        Assert.True(found.Count == 1, $"expected one sample {name}{{{string.Join(",", labels.Select(l => l.Key + "=" + l.Value))}}}, found {found.Count}:\n" +
            string.Join("\n", samples.Where(s => s.Name == name).Select(s => s.Name + "{" + string.Join(",", s.Labels.Select(l => l.Key + "=" + l.Value)) + "} " + s.Value)));
        return found[0];
    }

    public static IEnumerable<Sample> Where(List<Sample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Key) == l.Value));

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<k>[a-zA-Z_][a-zA-Z0-9_]*)="(?<v>(\\.|[^"\\])*)",?""")]
    private static partial Regex LabelPair();
}
