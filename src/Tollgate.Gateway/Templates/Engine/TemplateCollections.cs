using System.Text.Json;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// A mutable list (Java <c>ArrayList</c>). Lists that came from JSON (<c>$input.path</c>,
/// <c>$util.parseJson</c>) render as compact JSON, as json-smart's <c>JSONArray</c> does in API
/// Gateway; lists built in a template render as Java's <c>[a, b]</c>. A list read from a JSON
/// array refers to it and makes its items on first use (<see cref="TemplateJson"/>).
/// </summary>
internal sealed class TemplateList
{
    private List<TemplateValue>? _items;
    private readonly JsonElement _json;
    private readonly RenderBudget? _budget;

    public TemplateList(bool fromJson = false, int capacity = 0)
    {
        FromJson = fromJson;
        _items = new List<TemplateValue>(capacity);
    }

    /// <summary>A list over a JSON array; its items are made, and charged to <paramref name="budget"/>, on first use.</summary>
    public TemplateList(JsonElement array, RenderBudget budget)
    {
        FromJson = true;
        _json = array;
        _budget = budget;
    }

    public List<TemplateValue> Items => _items ??= TemplateJson.Items(_json, _budget!);

    public bool FromJson { get; }

    public int Count => _items?.Count ?? _json.GetArrayLength();

    /// <summary>The JSON array this list still stands for unchanged (nothing has read its items yet).</summary>
    public bool TryGetJson(out JsonElement array)
    {
        array = _json;
        return _items is null;
    }

    public TemplateValue this[int index] => Items[index];

    public void Add(TemplateValue value) => Items.Add(value);

    public bool ContentEquals(TemplateList other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (Items.Count != other.Items.Count)
        {
            return false;
        }
        for (var i = 0; i < Items.Count; i++)
        {
            if (!Items[i].Equals(other.Items[i]))
            {
                return false;
            }
        }
        return true;
    }

    public bool Contains(TemplateValue value)
    {
        foreach (var item in Items)
        {
            if (item.Equals(value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Velocity 2 index semantics: a negative index counts from the end.</summary>
    public bool TryGet(long index, out TemplateValue value)
    {
        if (index < 0)
        {
            index += Items.Count;
        }
        if (index >= 0 && index < Items.Count)
        {
            value = Items[(int)index];
            return true;
        }
        value = TemplateValue.Null;
        return false;
    }
}

/// <summary>An insertion-ordered map with string keys (Java <c>LinkedHashMap</c>).</summary>
internal sealed class TemplateMap
{
    private OrderedDictionary<string, TemplateValue>? _entries;
    private readonly JsonElement _json;
    private readonly RenderBudget? _budget;

    public TemplateMap(int capacity = 0) => _entries = new OrderedDictionary<string, TemplateValue>(capacity, StringComparer.Ordinal);

    /// <summary>A map over a JSON object; its entries are made, and charged to <paramref name="budget"/>, on first use.</summary>
    public TemplateMap(JsonElement json, RenderBudget budget)
    {
        _json = json;
        _budget = budget;
    }

    public int Count => Items.Count;

    public OrderedDictionary<string, TemplateValue> Items => _entries ??= TemplateJson.Entries(_json, _budget!);

    /// <summary>The JSON object this map still stands for unchanged (nothing has read its entries yet).</summary>
    public bool TryGetJson(out JsonElement json)
    {
        json = _json;
        return _entries is null;
    }

    public bool TryGet(string key, out TemplateValue value) => Items.TryGetValue(key, out value);

    public TemplateValue Get(string key) => Items.TryGetValue(key, out var value) ? value : TemplateValue.Null;

    public bool ContainsKey(string key) => Items.ContainsKey(key);

    /// <summary>Java <c>put</c>: returns the previous value or null.</summary>
    public TemplateValue Put(string key, TemplateValue value)
    {
        Items.TryGetValue(key, out var previous);
        Items[key] = value;
        return previous;
    }

    public TemplateValue Remove(string key) => Items.Remove(key, out var previous) ? previous : TemplateValue.Null;

    /// <summary>Returns the map stored under <paramref name="key"/>, adding an empty one if absent.</summary>
    public TemplateMap GetOrAddMap(string key)
    {
        if (Items.TryGetValue(key, out var value) && value.Kind == TemplateValueKind.Map)
        {
            return value.AsMap;
        }
        var map = new TemplateMap();
        Items[key] = TemplateValue.From(map);
        return map;
    }

    public static TemplateMap FromStrings(IEnumerable<KeyValuePair<string, string>>? items)
    {
        var map = new TemplateMap();
        if (items is not null)
        {
            foreach (var (key, value) in items)
            {
                map.Items[key] = TemplateValue.From(value);
            }
        }
        return map;
    }

    public bool ContentEquals(TemplateMap other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (Items.Count != other.Items.Count)
        {
            return false;
        }
        foreach (var (key, value) in Items)
        {
            if (!other.Items.TryGetValue(key, out var otherValue) || !value.Equals(otherValue))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>A map entry from <c>entrySet()</c>: <c>$e.key</c>, <c>$e.value</c>, <c>getKey()</c>, <c>getValue()</c>.</summary>
internal sealed class TemplateMapEntry(string key, TemplateValue value) : ITemplateObject
{
    public bool TryGetProperty(string name, out TemplateValue result)
    {
        switch (name)
        {
            case "key":
                result = TemplateValue.From(key);
                return true;
            case "value":
                result = value;
                return true;
            default:
                result = TemplateValue.Null;
                return false;
        }
    }

    public bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result)
    {
        if (args.Length == 0)
        {
            switch (name)
            {
                case "getKey":
                    result = TemplateValue.From(key);
                    return true;
                case "getValue":
                    result = value;
                    return true;
                case "toString":
                    result = TemplateValue.From(ToString());
                    return true;
            }
        }
        result = TemplateValue.Null;
        return false;
    }

    public void WriteTo(System.Text.StringBuilder output)
    {
        output.Append(key).Append('=');
        ValueFormatter.Write(output, value);
    }

    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        WriteTo(sb);
        return sb.ToString();
    }
}
