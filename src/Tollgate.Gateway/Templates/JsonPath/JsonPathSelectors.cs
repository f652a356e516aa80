using System.Text.Json;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates.JsonPath;

/// <summary>
/// The nodes a step selects, references into the document (no copies). Each one is charged to
/// the render's budget as it is added, so a path such as <c>$..*..*</c> over a large document
/// stops at the budget rather than after it has listed millions of nodes.
/// </summary>
internal sealed class JsonPathMatches(RenderBudget? budget)
{
    /// <summary>What one entry of the list costs: a <see cref="JsonElement"/> and the list's spare room.</summary>
    public const int EntryBytes = 32;

    public List<JsonElement> Items { get; } = [];

    public int Count => Items.Count;

    public void Add(JsonElement node)
    {
        budget?.Charge(EntryBytes);
        Items.Add(node);
    }

    public void Clear() => Items.Clear();
}

/// <summary>One step of a compiled JSONPath: it maps one node to the nodes it selects.</summary>
internal abstract class JsonPathSelector
{
    /// <summary>True when the step selects at most one node (a name or an index).</summary>
    public virtual bool IsDefinite => false;

    public abstract void Select(JsonElement node, JsonElement root, JsonPathMatches results);
}

/// <summary><c>.name</c> or <c>['name']</c>.</summary>
internal sealed class NameSelector(string name) : JsonPathSelector
{
    public string Name { get; } = name;

    public override bool IsDefinite => true;

    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results)
    {
        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(Name, out var value))
        {
            results.Add(value);
        }
    }
}

/// <summary><c>[n]</c>; a negative index counts from the end.</summary>
internal sealed class IndexSelector(int index) : JsonPathSelector
{
    public int Index { get; } = index;

    public override bool IsDefinite => true;

    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results)
    {
        if (node.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var length = node.GetArrayLength();
        var i = Index < 0 ? Index + length : Index;
        if (i >= 0 && i < length)
        {
            results.Add(node[i]);
        }
    }
}

/// <summary><c>*</c>: every element of an array or every property value of an object.</summary>
internal sealed class WildcardSelector : JsonPathSelector
{
    public static readonly WildcardSelector Instance = new();

    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                results.Add(item);
            }
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in node.EnumerateObject())
            {
                results.Add(property.Value);
            }
        }
    }
}

/// <summary><c>['a','b']</c> or <c>[0,2]</c>.</summary>
internal sealed class UnionSelector(JsonPathSelector[] members) : JsonPathSelector
{
    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results)
    {
        foreach (var member in members)
        {
            member.Select(node, root, results);
        }
    }
}

/// <summary><c>[start:end:step]</c> with Python's meaning of missing and negative bounds.</summary>
internal sealed class SliceSelector(int? start, int? end, int step) : JsonPathSelector
{
    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results)
    {
        if (node.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var length = node.GetArrayLength();
        var from = Normalize(start ?? 0, length);
        var to = Normalize(end ?? length, length);
        for (var i = from; i < to; i += step)
        {
            results.Add(node[i]);
        }
    }

    private static int Normalize(int bound, int length) => Math.Clamp(bound < 0 ? bound + length : bound, 0, length);
}

/// <summary><c>..x</c>: applies the next step to the node and to every node below it, in document order.</summary>
internal sealed class RecursiveSelector(JsonPathSelector inner) : JsonPathSelector
{
    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results) =>
        Visit(node, root, results, 0);

    private void Visit(JsonElement node, JsonElement root, JsonPathMatches results, int depth)
    {
        if (depth > JsonPathExpression.MaxDepth)
        {
            return;
        }
        inner.Select(node, root, results);
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                Visit(item, root, results, depth + 1);
            }
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in node.EnumerateObject())
            {
                Visit(property.Value, root, results, depth + 1);
            }
        }
    }
}

/// <summary><c>[?(expr)]</c>: the elements of an array (or the object itself) for which the filter holds.</summary>
internal sealed class FilterSelector(FilterExpression filter) : JsonPathSelector
{
    public override void Select(JsonElement node, JsonElement root, JsonPathMatches results)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                if (filter.Test(item, root))
                {
                    results.Add(item);
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Object && filter.Test(node, root))
        {
            results.Add(node);
        }
    }
}
