using System.Text.Json;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// One object of the Tollgate config file, read strictly: every key must be asked for by the
/// reader, so a misspelt key (<c>varables</c>) is an error naming the key and its object instead
/// of a setting silently not applied. Wrong types are errors, never exceptions.
/// </summary>
internal sealed class ConfigObject
{
    private readonly JsonElement _element;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<string> _known = [];

    private readonly string _label;
    private readonly string _path;

    private ConfigObject(JsonElement element, string label, string path, DiagnosticBag diagnostics)
    {
        _element = element;
        _label = label;
        _path = path;
        _diagnostics = diagnostics;
    }

    /// <summary>The object's location, e.g. <c>config 'gateway.yaml', apis[0].stages[1]</c>.</summary>
    public string Where => Locate(_label, _path);

    /// <summary>
    /// Wraps <paramref name="element"/> found at <paramref name="path"/> (e.g. <c>apis[0]</c>, empty for
    /// the root) of the file <paramref name="label"/>; reports that it is not an object otherwise.
    /// </summary>
    public static ConfigObject? From(JsonElement element, string label, string path, DiagnosticBag diagnostics)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return new ConfigObject(element, label, path, diagnostics);
        }
        diagnostics.Error(Locate(label, path), $"expected an object, not {OpenApiImporter.Describe(element.ValueKind)}.");
        return null;
    }

    private static string Locate(string label, string path) => path.Length == 0 ? label : label + ", " + path;

    private string Child(string key) => _path.Length == 0 ? key : _path + "." + key;

    private bool TryGet(string key, out JsonElement value)
    {
        _known.Add(key);
        if (_element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>True when the key is there with a value other than null (an empty list counts).</summary>
    public bool Has(string key) => TryGet(key, out _);

    private void WrongType(string key, string expected, JsonElement found) =>
        _diagnostics.Error(Where, $"'{key}' must be {expected}, not {OpenApiImporter.Describe(found.ValueKind)}.");

    public string? String(string key, bool required = false)
    {
        if (!TryGet(key, out var value))
        {
            if (required)
            {
                _diagnostics.Error(Where, $"'{key}' is missing.");
            }
            return null;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }
        WrongType(key, "a string", value);
        return null;
    }

    public long? Integer(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }
        WrongType(key, "an integer", value);
        return null;
    }

    /// <summary>A number (integer or fraction); null when absent, with an error when it is not a finite number.</summary>
    public double? Number(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }
        WrongType(key, "a number", value);
        return null;
    }

    public bool? Boolean(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        WrongType(key, "true or false", value);
        return null;
    }

    /// <summary>A map whose values are objects (<c>key: { ... }</c>), each wrapped with its name; values that are not objects are reported.</summary>
    public IEnumerable<(string Name, ConfigObject Value)> ObjectMap(string key)
    {
        if (!TryGet(key, out var value))
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(key, "an object", value);
            return [];
        }
        var items = new List<(string, ConfigObject)>();
        foreach (var property in value.EnumerateObject())
        {
            if (From(property.Value, _label, $"{Child(key)}[\"{property.Name}\"]", _diagnostics) is { } item)
            {
                items.Add((property.Name, item));
            }
        }
        return items;
    }

    /// <summary>The items of a list with their paths; empty (with an error if the key is there) when it is not one.</summary>
    public IEnumerable<(JsonElement Item, string Path)> List(string key, bool required = false)
    {
        if (!TryGet(key, out var value))
        {
            if (required)
            {
                _diagnostics.Error(Where, $"'{key}' is missing.");
            }
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            WrongType(key, "a list", value);
            return [];
        }
        return value.EnumerateArray().Select((item, index) => (item, $"{Child(key)}[{index}]")).ToList();
    }

    /// <summary>
    /// Reads a list of objects: each item wrapped, items that are not objects reported. Lazy, so that
    /// diagnostics come in document order as the caller reads each item.
    /// </summary>
    public IEnumerable<ConfigObject> Objects(string key, bool required = false) =>
        List(key, required).Select(i => From(i.Item, _label, i.Path, _diagnostics)).OfType<ConfigObject>();

    public ConfigObject? Object(string key) =>
        TryGet(key, out var value) ? From(value, _label, Child(key), _diagnostics) : null;

    /// <summary>
    /// A map of string values. Numbers and booleans are taken as written (<c>port: 9000</c> in YAML
    /// means the text "9000"); objects, lists and null are errors.
    /// </summary>
    public Dictionary<string, string> StringMap(string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryGet(key, out var value))
        {
            return map;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(key, "an object", value);
            return map;
        }
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    map[property.Name] = property.Value.GetString()!;
                    break;
                case JsonValueKind.Number:
                    map[property.Name] = property.Value.GetRawText();
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    map[property.Name] = property.Value.GetBoolean() ? "true" : "false";
                    break;
                default:
                    _diagnostics.Error(Where, $"'{key}.{property.Name}' must be a string, not {OpenApiImporter.Describe(property.Value.ValueKind)}.");
                    break;
            }
        }
        return map;
    }

    /// <summary>Reports an error located at this object.</summary>
    public void Error(string message) => _diagnostics.Error(Where, message);

    /// <summary>Reports every key no getter asked for. Call after reading all fields.</summary>
    public void ReportUnknownKeys()
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!_known.Contains(property.Name))
            {
                _diagnostics.Error(Where, $"unknown key '{property.Name}'; expected one of {string.Join(", ", _known)}.");
            }
        }
    }
}
