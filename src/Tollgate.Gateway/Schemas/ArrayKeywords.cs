using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// <c>items</c> (one schema for all, or a tuple of schemas) with <c>additionalItems</c>
/// (schema or boolean) for the elements past the tuple.
/// </summary>
internal sealed class ItemsKeyword(SchemaNode? all, SchemaNode[]? tuple, SchemaNode? additional, bool additionalAllowed) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            SchemaNode? schema;
            if (all is not null)
            {
                schema = all;
            }
            else if (index < tuple!.Length)
            {
                schema = tuple[index];
            }
            else if (additional is not null)
            {
                schema = additional;
            }
            else if (!additionalAllowed)
            {
                errors?.Add("additionalItems", "schema only allows " + tuple.Length + " elements in array but instance has " + instance.GetArrayLength() + " elements");
                return false;
            }
            else
            {
                break;
            }
            if (!Child(schema, item, index, errors, depth))
            {
                valid = false;
                if (errors is null || errors.IsFull)
                {
                    return false;
                }
            }
            index++;
        }
        return valid;
    }
}

/// <summary><c>minItems</c> and <c>maxItems</c>.</summary>
internal sealed class ItemCountKeyword(long min, long max) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var count = instance.GetArrayLength();
        if (count < min)
        {
            errors?.Add("minItems", "array is too short: must have at least " + min + " elements but instance has " + count + " elements");
            return false;
        }
        if (count > max)
        {
            errors?.Add("maxItems", "array is too long: must have at most " + max + " elements but instance has " + count + " elements");
            return false;
        }
        return true;
    }
}

/// <summary><c>uniqueItems</c>: no two elements are equal (deep equality).</summary>
internal sealed class UniqueItemsKeyword : Keyword
{
    /// <summary>Up to this many elements, pairwise comparison beats building a hash set.</summary>
    private const int PairwiseLimit = 16;

    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var count = instance.GetArrayLength();
        var unique = count <= PairwiseLimit ? Pairwise(instance, count) : Hashed(instance);
        if (!unique)
        {
            errors?.Add("uniqueItems", "array must not contain duplicate elements");
        }
        return unique;
    }

    private static bool Pairwise(JsonElement array, int count)
    {
        for (var i = 1; i < count; i++)
        {
            var item = array[i];
            for (var j = 0; j < i; j++)
            {
                if (JsonEquality.DeepEquals(item, array[j]))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static bool Hashed(JsonElement array)
    {
        var seen = new HashSet<JsonElement>(ElementComparer.Instance);
        foreach (var item in array.EnumerateArray())
        {
            if (!seen.Add(item))
            {
                return false;
            }
        }
        return true;
    }

    private sealed class ElementComparer : IEqualityComparer<JsonElement>
    {
        public static readonly ElementComparer Instance = new();

        public bool Equals(JsonElement x, JsonElement y) => JsonEquality.DeepEquals(x, y);

        public int GetHashCode(JsonElement obj) => JsonEquality.GetHashCode(obj);
    }
}
