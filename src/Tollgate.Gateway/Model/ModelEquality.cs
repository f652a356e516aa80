using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Tollgate.Gateway.Model;

/// <summary>
/// Value equality for the model records that hold collections or JSON. A record's synthesized
/// equality compares an <c>ImmutableArray</c> or <c>ImmutableDictionary</c> by reference and a
/// <see cref="JsonElement"/> by its document, so two loads of one file would never be equal; the
/// records that hold them route <c>Equals</c> and <c>GetHashCode</c> here instead. Arrays compare
/// element by element in order, dictionaries entry by entry (by the right-hand dictionary's key
/// comparer), JSON by <see cref="JsonElement.DeepEquals"/>, anything else by its own
/// <c>Equals</c> (nested records included). Every public instance property takes part, so a
/// property added later is compared without anyone remembering to list it.
/// </summary>
/// <remarks>
/// Used when configs are compared (reload, incremental compile), never per request: it reads
/// properties by reflection and hashes whole trees.
/// </remarks>
internal static class ModelEquality
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    /// <summary>Compares two records of the same type property by property.</summary>
    public static bool Equal<T>(T self, T? other)
        where T : class
    {
        if (ReferenceEquals(self, other))
        {
            return true;
        }
        if (other is null)
        {
            return false;
        }
        foreach (var property in PropertiesOf(typeof(T)))
        {
            if (!Values(property.GetValue(self), property.GetValue(other)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A hash consistent with <see cref="Equal{T}"/>.</summary>
    public static int Hash<T>(T self)
        where T : class
    {
        var hash = new HashCode();
        hash.Add(typeof(T));
        foreach (var property in PropertiesOf(typeof(T)))
        {
            hash.Add(ValueHash(property.GetValue(self)));
        }
        return hash.ToHashCode();
    }

    /// <summary>Compares two property values (boxed) by value.</summary>
    internal static bool Values(object? x, object? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x is null || y is null)
        {
            return false;
        }
        return x switch
        {
            JsonElement json => y is JsonElement other && Json(json, other),
            string => x.Equals(y),
            IDictionary dictionary => y is IDictionary other && Dictionaries(dictionary, other),
            // ImmutableArray<T> (and plain arrays): element by element, through this comparer.
            IStructuralEquatable structural => structural.Equals(y, Comparer.Instance),
            _ => x.Equals(y),
        };
    }

    /// <summary>By content; an unset element (<c>default</c>, which DeepEquals refuses) equals only another.</summary>
    private static bool Json(JsonElement x, JsonElement y) =>
        x.ValueKind == JsonValueKind.Undefined || y.ValueKind == JsonValueKind.Undefined
            ? x.ValueKind == y.ValueKind
            : JsonElement.DeepEquals(x, y);

    private static int ValueHash(object? value) => value switch
    {
        null => 0,
        // Only the kind: DeepEquals ignores formatting, so nothing finer is both cheap and consistent.
        JsonElement json => (int)json.ValueKind,
        string text => text.GetHashCode(),
        // Only the count: the key comparer may fold case, so key hashes could disagree with equality.
        IDictionary dictionary => dictionary.Count,
        IStructuralEquatable structural => structural.GetHashCode(Comparer.Instance),
        _ => value.GetHashCode(),
    };

    private static bool Dictionaries(IDictionary x, IDictionary y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }
        foreach (DictionaryEntry entry in x)
        {
            if (!y.Contains(entry.Key) || !Values(entry.Value, y[entry.Key]))
            {
                return false;
            }
        }
        return true;
    }

    private static PropertyInfo[] PropertiesOf(Type type) => Properties.GetOrAdd(type, static t =>
    {
        var list = new List<PropertyInfo>();
        foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not null && property.GetIndexParameters().Length == 0)
            {
                list.Add(property);
            }
        }
        return [.. list];
    });

    private sealed class Comparer : IEqualityComparer
    {
        public static readonly Comparer Instance = new();

        public new bool Equals(object? x, object? y) => Values(x, y);

        public int GetHashCode(object obj) => ValueHash(obj);
    }
}
