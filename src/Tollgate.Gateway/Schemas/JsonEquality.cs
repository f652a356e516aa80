using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// JSON equality as JSON Schema defines it (enum, uniqueItems): same type and value, numbers
/// by mathematical value (<c>1 == 1.0</c>), objects regardless of property order.
/// </summary>
internal static class JsonEquality
{
    public static bool DeepEquals(JsonElement a, JsonElement b)
    {
        var kind = a.ValueKind;
        if (kind != b.ValueKind)
        {
            return false;
        }
        switch (kind)
        {
            case JsonValueKind.Number:
                return NumbersEqual(a, b);
            case JsonValueKind.String:
                if (JsonText.TryGetUnescapedUtf8(a, out var utf8))
                {
                    return b.ValueEquals(utf8);
                }
                return b.ValueEquals(a.GetString());
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }
                var right = b.EnumerateArray();
                foreach (var left in a.EnumerateArray())
                {
                    right.MoveNext();
                    if (!DeepEquals(left, right.Current))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValueKind.Object:
                return ObjectsEqual(a, b);
            default:
                return true; // true, false, null
        }
    }

    private static bool NumbersEqual(JsonElement a, JsonElement b)
    {
        if (a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y))
        {
            return x == y;
        }
        return a.GetDouble() == b.GetDouble();
    }

    private static bool ObjectsEqual(JsonElement a, JsonElement b)
    {
        var count = 0;
        foreach (var property in a.EnumerateObject())
        {
            count++;
            JsonElement other;
            var found = JsonText.TryGetUnescapedName(property, out var name)
                ? b.TryGetProperty(name, out other)
                : b.TryGetProperty(property.Name, out other);
            if (!found || !DeepEquals(property.Value, other))
            {
                return false;
            }
        }
        foreach (var unused in b.EnumerateObject())
        {
            count--;
        }
        return count == 0;
    }

    /// <summary>A hash consistent with <see cref="DeepEquals"/> (numbers hash by double value).</summary>
    public static int GetHashCode(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.GetDouble().GetHashCode();
            case JsonValueKind.String:
                return JsonText.TryGetUnescapedUtf8(value, out var utf8)
                    ? HashBytes(utf8)
                    : HashBytes(System.Text.Encoding.UTF8.GetBytes(value.GetString()!));
            case JsonValueKind.Array:
                var hash = 17;
                foreach (var item in value.EnumerateArray())
                {
                    hash = (hash * 31) + GetHashCode(item);
                }
                return hash;
            case JsonValueKind.Object:
                var sum = 0; // order-independent
                foreach (var property in value.EnumerateObject())
                {
                    sum += GetHashCode(property.Value) ^ property.Name.GetHashCode(StringComparison.Ordinal);
                }
                return sum;
            default:
                return (int)value.ValueKind;
        }
    }

    private static int HashBytes(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
