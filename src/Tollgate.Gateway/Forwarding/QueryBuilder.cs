using System.Text;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// The query string of a request going upstream, composed from the integration URI's own query,
/// the client's query as it was sent, and mapped parameters; every integration that adds to a
/// query uses this one builder. Raw parts are kept byte for byte (the client's encoding is the
/// backend's to read); mapped names and values are percent-encoded. Parameters are removed by
/// their decoded name, as API Gateway's <c>remove:</c> and <c>overwrite:</c> mappings match them.
/// </summary>
internal sealed class QueryBuilder
{
    private readonly List<string> _items = new(4);
    private bool _split;

    /// <summary>True when nothing has been added.</summary>
    public bool IsEmpty => _items.Count == 0;

    /// <summary>
    /// Adds an already encoded query (<c>a=1&amp;b=2</c>), with or without its leading <c>?</c>,
    /// as it is; nothing for null or empty.
    /// </summary>
    public QueryBuilder AddRaw(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return this;
        }
        var text = raw[0] == '?' ? raw[1..] : raw;
        if (text.Length > 0)
        {
            _items.Add(text);
            _split = false;
        }
        return this;
    }

    /// <summary>Adds one parameter, its name and value percent-encoded.</summary>
    public QueryBuilder Add(string name, string value)
    {
        _items.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        return this;
    }

    /// <summary>True when a parameter of that decoded name is in the query.</summary>
    public bool Contains(string name)
    {
        Split();
        foreach (var item in _items)
        {
            if (NameOf(item) == name)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Removes every parameter of that decoded name (empty pairs go with the first removal).</summary>
    public QueryBuilder Remove(string name)
    {
        Split();
        for (var i = _items.Count - 1; i >= 0; i--)
        {
            if (NameOf(_items[i]) == name)
            {
                _items.RemoveAt(i);
            }
        }
        return this;
    }

    /// <summary>The query with its leading <c>?</c>, or the empty string when there is none.</summary>
    public override string ToString() => _items.Count == 0 ? "" : "?" + string.Join('&', _items);

    /// <summary>Appends <see cref="ToString"/> to <paramref name="sb"/>.</summary>
    public void AppendTo(StringBuilder sb)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(_items[i]);
        }
    }

    /// <summary>
    /// <paramref name="target"/> (an absolute URI's text, perhaps with a query of its own) with this
    /// query after its own, as a target <see cref="UpstreamTarget.Create"/> checks.
    /// </summary>
    public Uri ApplyTo(string target)
    {
        if (_items.Count == 0)
        {
            return UpstreamTarget.WithQuery(target);
        }
        var sb = new StringBuilder(target.Length + 64).Append(target);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        for (var i = 0; i < _items.Count; i++)
        {
            sb.Append(i == 0 && question < 0 ? '?' : '&').Append(_items[i]);
        }
        return UpstreamTarget.WithQuery(sb.ToString());
    }

    /// <summary>
    /// Makes raw parts one item per parameter, empty pairs dropped (done before any match by name,
    /// and by HTTP APIs whenever parameter mappings apply, as API Gateway re-writes the query then).
    /// </summary>
    public QueryBuilder Split()
    {
        if (_split)
        {
            return this;
        }
        var split = new List<string>(_items.Count + 4);
        foreach (var item in _items)
        {
            split.AddRange(item.Split('&', StringSplitOptions.RemoveEmptyEntries));
        }
        _items.Clear();
        _items.AddRange(split);
        _split = true;
        return this;
    }

    private static string NameOf(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? pair : pair[..equals];
        return Uri.UnescapeDataString(name.Replace('+', ' '));
    }
}
