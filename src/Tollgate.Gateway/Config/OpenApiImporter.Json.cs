using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>Typed reads of the JSON DOM that report a wrong type instead of throwing.</summary>
internal sealed partial class OpenApiImporter
{
    /// <summary>"a string", "an object", ... for messages.</summary>
    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static bool TryGet(JsonElement obj, string key, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(key, out value))
        {
            return true;
        }
        value = default;
        return false;
    }

    private void WrongType(string where, string field, string expected, JsonElement found) =>
        _diagnostics.Error(where, $"{field} must be {expected}, not {Describe(found.ValueKind)}.");

    private string? GetString(JsonElement obj, string key, string where, string field)
    {
        if (!TryGet(obj, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            WrongType(where, field, "a string", value);
            return null;
        }
        return value.GetString();
    }

    private bool? GetBool(JsonElement obj, string key, string where, string field)
    {
        if (!TryGet(obj, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        // Hand-edited exports sometimes quote booleans; AWS's importer accepts "true"/"false".
        if (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var parsed))
        {
            return parsed;
        }
        WrongType(where, field, "a boolean", value);
        return null;
    }

    /// <summary>An integer written as a number or as a string of digits (AWS exports use both).</summary>
    private int? GetInt(JsonElement obj, string key, string where, string field)
    {
        if (!TryGet(obj, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }
        if (value.ValueKind == JsonValueKind.String &&
            int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }
        WrongType(where, field, "an integer", value);
        return null;
    }

    private JsonElement? GetObject(JsonElement obj, string key, string where, string field)
    {
        if (!TryGet(obj, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(where, field, "an object", value);
            return null;
        }
        return value;
    }

    private JsonElement? GetArray(JsonElement obj, string key, string where, string field)
    {
        if (!TryGet(obj, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            WrongType(where, field, "a list", value);
            return null;
        }
        return value;
    }

    /// <summary>A map of strings (parameter mappings, templates): each value must be a string.</summary>
    private ImmutableDictionary<string, string> GetStringMap(JsonElement obj, string key, string where, string field)
    {
        if (GetObject(obj, key, where, field) is not { } map)
        {
            return ImmutableDictionary<string, string>.Empty;
        }
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                builder[property.Name] = property.Value.GetString()!;
            }
            else
            {
                WrongType(where, $"{field}['{property.Name}']", "a string", property.Value);
            }
        }
        return builder.ToImmutable();
    }

    private ImmutableArray<string> GetStringArray(JsonElement obj, string key, string where, string field)
    {
        if (GetArray(obj, key, where, field) is not { } array)
        {
            return [];
        }
        var builder = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                builder.Add(item.GetString()!);
            }
            else
            {
                WrongType(where, $"{field}[{index}]", "a string", item);
            }
            index++;
        }
        return builder.ToImmutable();
    }

    /// <summary>
    /// Follows a local <c>$ref</c> (<c>#/components/parameters/x</c>) to the object it names.
    /// Returns the object itself when it has no <c>$ref</c>, null (with an error) when it cannot be resolved.
    /// </summary>
    private JsonElement? Resolve(JsonElement element, string where)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("$ref", out var reference))
            {
                return element;
            }
            if (reference.ValueKind != JsonValueKind.String || reference.GetString() is not { } pointer || !pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                _diagnostics.Error(where, $"$ref '{reference.GetRawText().Trim('"')}' is not a reference into this document (#/...); external references are not supported.");
                return null;
            }
            var target = _root;
            foreach (var segment in pointer[2..].Split('/'))
            {
                var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (!TryGet(target, name, out target))
                {
                    _diagnostics.Error(where, $"$ref '{pointer}' does not resolve.");
                    return null;
                }
            }
            element = target;
        }
        _diagnostics.Error(where, "$ref chain is longer than 16 (a cycle?).");
        return null;
    }

    private static string Join(string location, string name) => location.Length == 0 ? name : location + "." + name;

    // Keys whose value is a map from names (header names, property names, media types) to objects:
    // an "x-" key in them is a name, not an extension.
    // ("parameters{}": the object form, Swagger's top-level parameter map; the list form holds
    // parameter objects, which may carry extensions.)
    private static readonly FrozenSet<string> MapKeys = FrozenSet.ToFrozenSet(
    [
        "headers", "properties", "content", "securityDefinitions", "securitySchemes", "definitions", "schemas",
        "examples", "links", "callbacks", "variables", "requestBodies", "encoding", "scopes", "mapping",
        "security[]", "parameters{}", "requestParameters", "requestTemplates", "responseParameters", "responseTemplates",
    ], StringComparer.Ordinal);

    // Values that are JSON Schema or example data: their "x-" keys are not API Gateway's business and
    // nothing in them is dropped (models are kept whole) or they carry no gateway behaviour.
    private static readonly FrozenSet<string> OpaqueKeys = FrozenSet.ToFrozenSet(
        ["schema", "schemas", "definitions", "example", "examples", "enum"], StringComparer.Ordinal);

    /// <summary>
    /// Walks the whole document for <c>x-</c> extensions that no reader consumed, and keeps each one
    /// with a warning: an export must never lose anything silently.
    /// </summary>
    private void SweepExtensions(JsonElement element, string location, string parentKey)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                SweepExtensions(item, $"{location}[{index++}]", parentKey + "[]");
            }
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var isMap = MapKeys.Contains(parentKey) || MapKeys.Contains(parentKey + "{}");
        foreach (var property in element.EnumerateObject())
        {
            if (_consumed.Contains((location, property.Name)))
            {
                continue; // read (or reported) by a reader
            }
            if (!isMap && property.Name.StartsWith("x-", StringComparison.Ordinal) && !_operations.Contains((location, property.Name)))
            {
                KeepUnread(location, property.Name, property.Value);
                continue;
            }
            if (!isMap && OpaqueKeys.Contains(property.Name))
            {
                continue;
            }
            SweepExtensions(property.Value, Join(location, property.Name), property.Name);
        }
    }

    /// <summary>Keeps an extension or field no Tollgate feature reads, with a warning naming where it stood.</summary>
    private void KeepUnread(string location, string name, JsonElement value)
    {
        _extensions.Add(new ExtensionValue(location, name, value.Clone()));
        var where = location.Length == 0 ? "the top level" : location;
        var what = name.StartsWith("x-", StringComparison.Ordinal) ? "extension" : "field";
        _diagnostics.Warning(_label, $"{what} '{name}' at {where} is not used by Tollgate; kept as written.");
    }
}
