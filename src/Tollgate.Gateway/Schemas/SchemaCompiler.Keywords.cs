using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>Reading each draft-4 keyword into its <see cref="Keyword"/>.</summary>
internal sealed partial class SchemaCompiler
{
    private void AddGeneral(SchemaLocation location, List<Keyword> keywords)
    {
        var schema = location.Element;
        if (schema.TryGetProperty("type"u8, out var type))
        {
            var allowed = SchemaTypes.None;
            var names = new List<string>();
            var entries = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray()] : new[] { type };
            foreach (var entry in entries)
            {
                var name = entry.ValueKind == JsonValueKind.String ? entry.GetString()! : "";
                var flag = name switch
                {
                    "null" => SchemaTypes.Null,
                    "boolean" => SchemaTypes.Boolean,
                    "object" => SchemaTypes.Object,
                    "array" => SchemaTypes.Array,
                    "number" => SchemaTypes.Number,
                    "string" => SchemaTypes.String,
                    "integer" => SchemaTypes.Integer,
                    _ => SchemaTypes.None,
                };
                if (flag == SchemaTypes.None)
                {
                    Error(location, "type " + JsonText.ToJson(entry) + " is not a draft-4 type");
                }
                allowed |= flag;
                names.Add(name);
            }
            keywords.Add(new TypeKeyword(allowed, MessageText.JsonArray(names)));
        }
        if (schema.TryGetProperty("enum"u8, out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                Error(location, "enum must be a non-empty array");
            }
            else
            {
                keywords.Add(new EnumKeyword([.. values.EnumerateArray()], JsonText.ToJson(values)));
            }
        }
        if (schema.TryGetProperty("allOf"u8, out var allOf) && SchemaArray(location, allOf, "allOf") is { } all)
        {
            keywords.Add(new AllOfKeyword(all));
        }
        if (schema.TryGetProperty("anyOf"u8, out var anyOf) && SchemaArray(location, anyOf, "anyOf") is { } some)
        {
            keywords.Add(new AnyOfKeyword(some));
        }
        if (schema.TryGetProperty("oneOf"u8, out var oneOf) && SchemaArray(location, oneOf, "oneOf") is { } one)
        {
            keywords.Add(new OneOfKeyword(one));
        }
        if (schema.TryGetProperty("not"u8, out var not))
        {
            keywords.Add(new NotKeyword(Child(location, not, "/not")));
        }
    }

    private void AddObject(SchemaLocation location, List<Keyword> keywords)
    {
        var schema = location.Element;
        Utf8NameTable<SchemaNode>? properties = null;
        if (schema.TryGetProperty("properties"u8, out var props))
        {
            var entries = new List<KeyValuePair<string, SchemaNode>>();
            foreach (var property in SchemaMap(location, props, "properties"))
            {
                entries.Add(new(property.Name, Child(location, property.Value, "/properties/" + SchemaRegistry.EscapePointerToken(property.Name))));
            }
            properties = new Utf8NameTable<SchemaNode>(entries);
        }
        var patterns = new List<(EcmaRegex, SchemaNode)>();
        if (schema.TryGetProperty("patternProperties"u8, out var patternProps))
        {
            foreach (var property in SchemaMap(location, patternProps, "patternProperties"))
            {
                var child = Child(location, property.Value, "/patternProperties/" + SchemaRegistry.EscapePointerToken(property.Name));
                if (Pattern(location, property.Name) is { } regex)
                {
                    patterns.Add((regex, child));
                }
            }
        }
        SchemaNode? additional = null;
        var additionalAllowed = true;
        if (schema.TryGetProperty("additionalProperties"u8, out var extra))
        {
            if (extra.ValueKind == JsonValueKind.False)
            {
                additionalAllowed = false;
            }
            else if (extra.ValueKind != JsonValueKind.True)
            {
                additional = Child(location, extra, "/additionalProperties");
            }
        }
        if (schema.TryGetProperty("required"u8, out var required))
        {
            var names = StringArray(location, required, "required");
            if (names.Count > 0)
            {
                var entries = new List<KeyValuePair<string, bool>>();
                foreach (var name in names.Distinct(StringComparer.Ordinal))
                {
                    entries.Add(new(name, true));
                }
                keywords.Add(new RequiredKeyword(new Utf8NameTable<bool>(entries)));
            }
        }
        var min = Count(location, "minProperties", 0);
        var max = Count(location, "maxProperties", long.MaxValue);
        if (min > 0 || max < long.MaxValue)
        {
            keywords.Add(new PropertyCountKeyword(min, max));
        }
        if (schema.TryGetProperty("dependencies"u8, out var dependencies))
        {
            var list = new List<(string, string[]?, SchemaNode?)>();
            foreach (var dependency in SchemaMap(location, dependencies, "dependencies", allowArrays: true))
            {
                list.Add(dependency.Value.ValueKind == JsonValueKind.Array
                    ? (dependency.Name, [.. StringArray(location, dependency.Value, "dependencies")], null)
                    : (dependency.Name, null, Child(location, dependency.Value, "/dependencies/" + SchemaRegistry.EscapePointerToken(dependency.Name))));
            }
            if (list.Count > 0)
            {
                keywords.Add(new DependenciesKeyword([.. list]));
            }
        }
        // The members last: checks on the object itself are reported first, as the java validator does.
        if (properties is not null || patterns.Count > 0 || additional is not null || !additionalAllowed)
        {
            keywords.Add(new PropertiesKeyword(properties, [.. patterns], additional, additionalAllowed));
        }
    }

    private void AddArray(SchemaLocation location, List<Keyword> keywords)
    {
        var schema = location.Element;
        var min = Count(location, "minItems", 0);
        var max = Count(location, "maxItems", long.MaxValue);
        if (min > 0 || max < long.MaxValue)
        {
            keywords.Add(new ItemCountKeyword(min, max));
        }
        if (Flag(location, "uniqueItems"))
        {
            keywords.Add(new UniqueItemsKeyword());
        }
        // The elements last, as for objects.
        if (schema.TryGetProperty("items"u8, out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                var tuple = new SchemaNode[items.GetArrayLength()];
                var i = 0;
                foreach (var item in items.EnumerateArray())
                {
                    tuple[i] = Child(location, item, "/items/" + i);
                    i++;
                }
                SchemaNode? additional = null;
                var allowed = true;
                if (schema.TryGetProperty("additionalItems"u8, out var extra))
                {
                    if (extra.ValueKind == JsonValueKind.False)
                    {
                        allowed = false;
                    }
                    else if (extra.ValueKind != JsonValueKind.True)
                    {
                        additional = Child(location, extra, "/additionalItems");
                    }
                }
                keywords.Add(new ItemsKeyword(null, tuple, additional, allowed));
            }
            else
            {
                // With one schema for every item, additionalItems has nothing to apply to.
                keywords.Add(new ItemsKeyword(Child(location, items, "/items"), null, null, true));
            }
        }
    }

    private void AddString(SchemaLocation location, List<Keyword> keywords)
    {
        var schema = location.Element;
        var min = Count(location, "minLength", 0);
        var max = Count(location, "maxLength", long.MaxValue);
        if (min > 0 || max < long.MaxValue)
        {
            keywords.Add(new LengthKeyword(min, max));
        }
        if (schema.TryGetProperty("pattern"u8, out var pattern))
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                Error(location, "pattern must be a string");
            }
            else if (Pattern(location, pattern.GetString()!) is { } regex)
            {
                keywords.Add(new PatternKeyword(regex));
            }
        }
        if (schema.TryGetProperty("format"u8, out var format) && format.ValueKind == JsonValueKind.String
            && Formats.TryGet(format.GetString()!, out var check, out var suffix))
        {
            keywords.Add(new FormatKeyword(check, suffix));
        }
    }

    private void AddNumber(SchemaLocation location, List<Keyword> keywords)
    {
        var schema = location.Element;
        if (schema.TryGetProperty("minimum"u8, out var minimum) && NumberValue(location, minimum, "minimum") is { } min)
        {
            keywords.Add(new MinimumKeyword(min, Flag(location, "exclusiveMinimum")));
        }
        if (schema.TryGetProperty("maximum"u8, out var maximum) && NumberValue(location, maximum, "maximum") is { } max)
        {
            keywords.Add(new MaximumKeyword(max, Flag(location, "exclusiveMaximum")));
        }
        if (schema.TryGetProperty("multipleOf"u8, out var multipleOf) && NumberValue(location, multipleOf, "multipleOf") is { } divisor)
        {
            if (divisor.Double <= 0)
            {
                Error(location, "multipleOf must be greater than 0");
            }
            else
            {
                keywords.Add(new MultipleOfKeyword(divisor));
            }
        }
    }

    private JsonNumber? NumberValue(SchemaLocation location, JsonElement value, string keyword)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return JsonNumber.From(value);
        }
        Error(location, keyword + " must be a number");
        return null;
    }

    private List<string> StringArray(SchemaLocation location, JsonElement value, string keyword)
    {
        var list = new List<string>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error(location, keyword + " must be an array of strings");
                    return [];
                }
                list.Add(item.GetString()!);
            }
            return list;
        }
        Error(location, keyword + " must be an array of strings");
        return list;
    }

    private List<JsonProperty> SchemaMap(SchemaLocation location, JsonElement value, string keyword, bool allowArrays = false)
    {
        var list = new List<JsonProperty>();
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(location, keyword + " must be an object");
            return list;
        }
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object || (allowArrays && property.Value.ValueKind == JsonValueKind.Array))
            {
                list.Add(property);
            }
            else
            {
                Error(location, keyword + "." + property.Name + " must be a schema");
            }
        }
        return list;
    }
}
