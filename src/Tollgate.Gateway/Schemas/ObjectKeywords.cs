using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// <c>properties</c>, <c>patternProperties</c> and <c>additionalProperties</c> together, since
/// what is "additional" depends on the other two. One pass over the instance's properties.
/// </summary>
internal sealed class PropertiesKeyword(
    Utf8NameTable<SchemaNode>? properties,
    (EcmaRegex Pattern, SchemaNode Schema)[] patterns,
    SchemaNode? additional,
    bool additionalAllowed) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var valid = true;
        List<string>? notAllowed = null;
        Span<char> buffer = patterns.Length > 0 ? stackalloc char[JsonText.StackLimit] : default;
        foreach (var property in instance.EnumerateObject())
        {
            var matched = false;
            if (properties is not null)
            {
                var index = properties.IndexOf(property);
                if (index >= 0)
                {
                    matched = true;
                    valid &= Child(properties.ValueAt(index), property.Value, property, errors, depth);
                }
            }
            if (patterns.Length > 0)
            {
                valid &= MatchPatterns(property, buffer, ref matched, errors, depth);
            }
            if (!matched)
            {
                if (additional is not null)
                {
                    valid &= Child(additional, property.Value, property, errors, depth);
                }
                else if (!additionalAllowed)
                {
                    valid = false;
                    if (errors is not null)
                    {
                        (notAllowed ??= []).Add(property.Name);
                    }
                }
            }
            if (!valid && (errors is null || errors.IsFull))
            {
                return false;
            }
        }
        if (notAllowed is not null)
        {
            errors!.Add("additionalProperties", "object instance has properties which are not allowed by the schema: " + MessageText.JsonArray(notAllowed));
        }
        return valid;
    }

    private bool MatchPatterns(JsonProperty property, Span<char> buffer, ref bool matched, ErrorCollector? errors, int depth)
    {
        ReadOnlySpan<char> name;
        char[]? rented = null;
        if (JsonText.TryGetUnescapedName(property, out var utf8))
        {
            name = JsonText.Decode(utf8, buffer, out rented);
        }
        else
        {
            name = property.Name;
        }
        var valid = true;
        try
        {
            foreach (var (pattern, schema) in patterns)
            {
                if (pattern.IsMatch(name))
                {
                    matched = true;
                    valid &= Child(schema, property.Value, property, errors, depth);
                    if (!valid && errors is null)
                    {
                        return false;
                    }
                }
            }
        }
        finally
        {
            JsonText.Return(rented);
        }
        return valid;
    }
}

/// <summary><c>required</c>: one pass over the instance, marking the names it has.</summary>
internal sealed class RequiredKeyword(Utf8NameTable<bool> names) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var count = names.Count;
        Span<bool> seen = count <= 128 ? stackalloc bool[count] : new bool[count];
        seen.Clear();
        var found = 0;
        foreach (var property in instance.EnumerateObject())
        {
            var index = names.IndexOf(property);
            if (index >= 0 && !seen[index])
            {
                seen[index] = true;
                if (++found == count)
                {
                    return true;
                }
            }
        }
        if (errors is not null)
        {
            var missing = new List<string>();
            for (var i = 0; i < count; i++)
            {
                if (!seen[i])
                {
                    missing.Add(names.NameAt(i));
                }
            }
            errors.Add("required", "object has missing required properties (" + MessageText.JsonArray(missing) + ")");
        }
        return false;
    }
}

/// <summary><c>minProperties</c> and <c>maxProperties</c>.</summary>
internal sealed class PropertyCountKeyword(long min, long max) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var count = 0;
        foreach (var unused in instance.EnumerateObject())
        {
            count++;
        }
        if (count < min)
        {
            errors?.Add("minProperties", "object has too few properties (found " + count + " but schema requires at least " + min + ")");
            return false;
        }
        if (count > max)
        {
            errors?.Add("maxProperties", "object has too many properties (found " + count + " but schema requires at most " + max + ")");
            return false;
        }
        return true;
    }
}

/// <summary><c>dependencies</c>: property lists and schemas that apply when a property is present.</summary>
internal sealed class DependenciesKeyword((string Name, string[]? Properties, SchemaNode? Schema)[] dependencies) : Keyword
{
    public override bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        var valid = true;
        foreach (var (name, required, schema) in dependencies)
        {
            if (!instance.TryGetProperty(name, out _))
            {
                continue;
            }
            if (required is not null)
            {
                List<string>? missing = null;
                foreach (var other in required)
                {
                    if (!instance.TryGetProperty(other, out _))
                    {
                        valid = false;
                        if (errors is null)
                        {
                            return false;
                        }
                        (missing ??= []).Add(other);
                    }
                }
                if (missing is not null)
                {
                    errors!.Add("dependencies", "property " + JsonText.Quote(name) + " of object has missing property dependencies (schema requires "
                        + MessageText.JsonArray(required) + "; missing: " + MessageText.JsonArray(missing) + ")");
                }
            }
            else if (!schema!.Validate(instance, errors, depth + 1))
            {
                valid = false;
                if (errors is null || errors.IsFull)
                {
                    return false;
                }
            }
        }
        return valid;
    }
}
