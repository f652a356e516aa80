using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// A read-only map from property names to values, looked up by the raw UTF-8 bytes of an
/// instance's property name, so matching <c>properties</c> or <c>required</c> allocates nothing.
/// </summary>
internal sealed class Utf8NameTable<T>
{
    private readonly byte[][] _keys;
    private readonly string[] _names;
    private readonly T[] _values;
    private readonly int[] _buckets; // index + 1 of the first entry, 0 = empty
    private readonly int[] _next;    // index + 1 of the next entry in the chain
    private readonly int[] _hashes;

    public Utf8NameTable(IReadOnlyList<KeyValuePair<string, T>> entries)
    {
        var count = entries.Count;
        _keys = new byte[count][];
        _names = new string[count];
        _values = new T[count];
        _next = new int[count];
        _hashes = new int[count];
        _buckets = new int[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)(count * 2)))];
        for (var i = 0; i < count; i++)
        {
            _names[i] = entries[i].Key;
            _keys[i] = Encoding.UTF8.GetBytes(entries[i].Key);
            _values[i] = entries[i].Value;
            _hashes[i] = Hash(_keys[i]);
            ref var bucket = ref _buckets[_hashes[i] & (_buckets.Length - 1)];
            _next[i] = bucket;
            bucket = i + 1;
        }
    }

    public int Count => _keys.Length;

    public string NameAt(int index) => _names[index];

    public T ValueAt(int index) => _values[index];

    /// <summary>The entry's index, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8Name)
    {
        var hash = Hash(utf8Name);
        for (var i = _buckets[hash & (_buckets.Length - 1)]; i != 0; i = _next[i - 1])
        {
            if (_hashes[i - 1] == hash && utf8Name.SequenceEqual(_keys[i - 1]))
            {
                return i - 1;
            }
        }
        return -1;
    }

    /// <summary>The entry's index for an instance property, or -1 (unescapes names only when needed).</summary>
    public int IndexOf(JsonProperty property)
    {
        if (JsonText.TryGetUnescapedName(property, out var utf8))
        {
            return IndexOf(utf8);
        }
        return IndexOf(Encoding.UTF8.GetBytes(property.Name));
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        // FNV-1a: short names, no per-process seed needed for a table built from trusted config.
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }
        return (int)hash;
    }
}
