using System.Text;
using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>The primitive types of draft 4.</summary>
[Flags]
internal enum SchemaTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary><c>type</c>: one type or an array of types; <c>integer</c> is a number with no fraction.</summary>
internal sealed class TypeKeyword(SchemaTypes allowed, string allowedJson) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var valid = instance.ValueKind switch
        {
            JsonValueKind.Object => (allowed & SchemaTypes.Object) != 0,
            JsonValueKind.Array => (allowed & SchemaTypes.Array) != 0,
            JsonValueKind.String => (allowed & SchemaTypes.String) != 0,
            JsonValueKind.Number => (allowed & SchemaTypes.Number) != 0
                || ((allowed & SchemaTypes.Integer) != 0 && JsonNumber.IsInteger(instance)),
            JsonValueKind.True or JsonValueKind.False => (allowed & SchemaTypes.Boolean) != 0,
            _ => (allowed & SchemaTypes.Null) != 0,
        };
        if (!valid)
        {
            errors?.Add("type", "instance type (" + TypeName(instance) + ") does not match any allowed primitive type (allowed: " + allowedJson + ")");
        }
        return valid;
    }

    /// <summary>The instance's type as the java validator names it (<c>1</c> is integer, <c>1.5</c> number).</summary>
    public static string TypeName(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => instance.GetRawText().AsSpan().IndexOfAny(".eE") < 0 ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}

/// <summary><c>enum</c>: the instance equals one of the values (deep equality, <c>1 == 1.0</c>).</summary>
internal sealed class EnumKeyword(JsonElement[] values, string valuesJson) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        foreach (var value in values)
        {
            if (JsonEquality.DeepEquals(instance, value))
            {
                return true;
            }
        }
        errors?.Add("enum", "instance value (" + JsonText.ToJson(instance) + ") not found in enum (possible values: " + valuesJson + ")");
        return false;
    }
}

/// <summary><c>$ref</c>: validates against the referenced schema (the node may be filled later).</summary>
internal sealed class RefKeyword(SchemaNode target) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth) =>
        target.Validate(instance, errors, depth + 1);
}

/// <summary><c>allOf</c>: every subschema must match; reports the subschemas' own errors.</summary>
internal sealed class AllOfKeyword(SchemaNode[] schemas) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        if (errors is null)
        {
            foreach (var schema in schemas)
            {
                if (!schema.Validate(instance, null, depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        var matched = 0;
        foreach (var schema in schemas)
        {
            if (schema.Validate(instance, null, depth + 1))
            {
                matched++;
            }
        }
        if (matched == schemas.Length)
        {
            return true;
        }
        errors.Add("allOf", "instance failed to match all required schemas (matched only " + matched + " out of " + schemas.Length + ")");
        foreach (var schema in schemas)
        {
            schema.Validate(instance, errors, depth + 1);
        }
        return false;
    }
}

/// <summary><c>anyOf</c>: at least one subschema must match.</summary>
internal sealed class AnyOfKeyword(SchemaNode[] schemas) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        foreach (var schema in schemas)
        {
            if (schema.Validate(instance, null, depth + 1))
            {
                return true;
            }
        }
        errors?.Add("anyOf", "instance failed to match at least one required schema among " + schemas.Length);
        return false;
    }
}

/// <summary><c>oneOf</c>: exactly one subschema must match.</summary>
internal sealed class OneOfKeyword(SchemaNode[] schemas) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var matched = 0;
        foreach (var schema in schemas)
        {
            if (schema.Validate(instance, null, depth + 1) && ++matched > 1 && errors is null)
            {
                return false;
            }
        }
        if (matched == 1)
        {
            return true;
        }
        errors?.Add("oneOf", "instance failed to match exactly one schema (matched " + matched + " out of " + schemas.Length + ")");
        return false;
    }
}

/// <summary><c>not</c>: the subschema must not match.</summary>
internal sealed class NotKeyword(SchemaNode schema) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        if (!schema.Validate(instance, null, depth + 1))
        {
            return true;
        }
        errors?.Add("not", "instance matched a schema which it should not have");
        return false;
    }
}

/// <summary>Formats a list of names as the compact JSON array that messages print, e.g. <c>["a","b"]</c>.</summary>
internal static class MessageText
{
    public static string JsonArray(IEnumerable<string> items)
    {
        var builder = new StringBuilder("[");
        foreach (var item in items)
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }
            builder.Append(JsonText.Quote(item));
        }
        return builder.Append(']').ToString();
    }
}
