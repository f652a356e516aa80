using System.Collections.Concurrent;
using System.Text.Json;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates.JsonPath;

/// <summary>
/// A compiled JSONPath (Goessner's syntax as Jayway JsonPath reads it, which API Gateway uses)
/// over <see cref="JsonElement"/>. Compiled paths are cached: mapping templates use constant paths.
/// </summary>
internal sealed class JsonPathExpression
{
    public const int MaxDepth = 256;
    private const int MaxCacheEntries = 4096;
    private static readonly ConcurrentDictionary<string, JsonPathExpression> Cache = new(StringComparer.Ordinal);
    private readonly JsonPathSelector[] _selectors;

    internal JsonPathExpression(string path, JsonPathSelector[] selectors)
    {
        Path = path;
        _selectors = selectors;
        var definite = true;
        foreach (var selector in selectors)
        {
            definite &= selector.IsDefinite;
        }
        IsDefinite = definite;
    }

    public string Path { get; }

    /// <summary>
    /// True when the path names one node (only names and indices). A definite path gives a value
    /// or nothing; any other gives a list of matches, as in Jayway.
    /// </summary>
    public bool IsDefinite { get; }

    /// <summary>Compiles a path, or returns the reason it is invalid.</summary>
    public static JsonPathExpression? Compile(string path, out string? error)
    {
        if (Cache.TryGetValue(path, out var cached))
        {
            error = null;
            return cached;
        }
        try
        {
            var compiled = new JsonPathParser(path).Parse();
            if (Cache.Count < MaxCacheEntries)
            {
                Cache.TryAdd(path, compiled);
            }
            error = null;
            return compiled;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Adds every match, in document order, to <paramref name="results"/>; every node listed on
    /// the way is charged to <paramref name="budget"/>.
    /// </summary>
    public void Evaluate(JsonElement root, List<JsonElement> results, RenderBudget? budget = null)
    {
        if (IsDefinite)
        {
            if (TrySelectFirst(_selectors, root, root, out var single))
            {
                results.Add(single);
            }
            return;
        }
        var current = new JsonPathMatches(budget);
        current.Add(root);
        var next = new JsonPathMatches(budget);
        foreach (var selector in _selectors)
        {
            next.Clear();
            foreach (var node in current.Items)
            {
                selector.Select(node, root, next);
            }
            (current, next) = (next, current);
            if (current.Count == 0)
            {
                break;
            }
        }
        budget?.Charge((long)current.Count * JsonPathMatches.EntryBytes);
        results.AddRange(current.Items);
    }

    /// <summary>The single node of a definite path, without allocating.</summary>
    public bool TrySelectSingle(JsonElement root, out JsonElement result) => TrySelectFirst(_selectors, root, root, out result);

    /// <summary>Follows the selectors and returns the first match.</summary>
    public static bool TrySelectFirst(JsonPathSelector[] selectors, JsonElement node, JsonElement root, out JsonElement result)
    {
        var current = node;
        var i = 0;
        for (; i < selectors.Length; i++)
        {
            switch (selectors[i])
            {
                case NameSelector name:
                    if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name.Name, out current))
                    {
                        result = default;
                        return false;
                    }
                    continue;
                case IndexSelector index:
                    if (current.ValueKind != JsonValueKind.Array)
                    {
                        result = default;
                        return false;
                    }
                    var length = current.GetArrayLength();
                    var at = index.Index < 0 ? index.Index + length : index.Index;
                    if (at < 0 || at >= length)
                    {
                        result = default;
                        return false;
                    }
                    current = current[at];
                    continue;
            }
            break;
        }
        if (i == selectors.Length)
        {
            result = current;
            return true;
        }
        // The rest is indefinite: evaluate it fully and take the first match.
        var matches = new JsonPathMatches(null);
        matches.Add(current);
        var next = new JsonPathMatches(null);
        for (; i < selectors.Length && matches.Count > 0; i++)
        {
            next.Clear();
            foreach (var item in matches.Items)
            {
                selectors[i].Select(item, root, next);
            }
            (matches, next) = (next, matches);
        }
        if (matches.Count > 0)
        {
            result = matches.Items[0];
            return true;
        }
        result = default;
        return false;
    }
}
