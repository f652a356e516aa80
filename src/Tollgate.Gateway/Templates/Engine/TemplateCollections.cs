namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// A mutable list (Java <c>ArrayList</c>). Lists that came from JSON (<c>$input.path</c>,
/// <c>$util.parseJson</c>) render as compact JSON, as json-smart's <c>JSONArray</c> does in API
/// Gateway; lists built in a template render as Java's <c>[a, b]</c>.
/// </summary>
internal sealed class TemplateList
{
    public TemplateList(bool fromJson = false, int capacity = 0)
    {
        FromJson = fromJson;
        Items = new List<TemplateValue>(capacity);
    }

    public List<TemplateValue> Items { get; }

    public bool FromJson { get; }

    public int Count => Items.Count;

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
    private readonly OrderedDictionary<string, TemplateValue> _items;

    public TemplateMap(int capacity = 0) => _items = new OrderedDictionary<string, TemplateValue>(capacity, StringComparer.Ordinal);

    public int Count => _items.Count;

    public OrderedDictionary<string, TemplateValue> Items => _items;

    public bool TryGet(string key, out TemplateValue value) => _items.TryGetValue(key, out value);

    public TemplateValue Get(string key) => _items.TryGetValue(key, out var value) ? value : TemplateValue.Null;

    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <summary>Java <c>put</c>: returns the previous value or null.</summary>
    public TemplateValue Put(string key, TemplateValue value)
    {
        _items.TryGetValue(key, out var previous);
        _items[key] = value;
        return previous;
    }

    public TemplateValue Remove(string key) => _items.Remove(key, out var previous) ? previous : TemplateValue.Null;

    /// <summary>Returns the map stored under <paramref name="key"/>, adding an empty one if absent.</summary>
    public TemplateMap GetOrAddMap(string key)
    {
        if (_items.TryGetValue(key, out var value) && value.Kind == TemplateValueKind.Map)
        {
            return value.AsMap;
        }
        var map = new TemplateMap();
        _items[key] = TemplateValue.From(map);
        return map;
    }

    public static TemplateMap FromStrings(IEnumerable<KeyValuePair<string, string>>? items)
    {
        var map = new TemplateMap();
        if (items is not null)
        {
            foreach (var (key, value) in items)
            {
                map._items[key] = TemplateValue.From(value);
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
        if (_items.Count != other._items.Count)
        {
            return false;
        }
        foreach (var (key, value) in _items)
        {
            if (!other._items.TryGetValue(key, out var otherValue) || !value.Equals(otherValue))
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
