namespace Tollgate.Gateway.Routing;

/// <summary>
/// Values by host name, with wildcard names: an exact name wins; else <c>*.example.org</c>
/// matches a host of one more label (<c>a.example.org</c>, not <c>example.org</c> nor
/// <c>a.b.example.org</c>), as a wildcard certificate covers names (RFC 6125). Case-insensitive.
/// The one lookup of custom domain names, for routing today and for choosing a certificate by SNI.
/// A lookup allocates nothing.
/// </summary>
internal sealed class HostNameTable<T>
{
    private readonly Dictionary<string, T> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T> _wildcard = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _wildcardBySpan;

    public HostNameTable() => _wildcardBySpan = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _exact.Count + _wildcard.Count;

    /// <summary>Adds a name: <c>api.example.org</c>, or <c>*.example.org</c> for every name one label below.</summary>
    public void Add(string name, T value)
    {
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            _wildcard[name[2..]] = value;
        }
        else
        {
            _exact[name] = value;
        }
    }

    /// <summary>The value of <paramref name="host"/>: its exact name's, else its wildcard's.</summary>
    public bool TryGetValue(string host, out T value)
    {
        if (_exact.TryGetValue(host, out value!))
        {
            return true;
        }
        if (_wildcard.Count > 0)
        {
            var dot = host.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && dot < host.Length - 1 && _wildcardBySpan.TryGetValue(host.AsSpan(dot + 1), out value!))
            {
                return true;
            }
        }
        value = default!;
        return false;
    }

    public bool Contains(string host) => TryGetValue(host, out _);
}
