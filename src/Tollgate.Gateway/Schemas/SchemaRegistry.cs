using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>A schema found in a document: its JSON, its identity and its resolution scope.</summary>
/// <param name="Element">The schema.</param>
/// <param name="Key">Where it stands, <c>documentUri#/json/pointer</c>: one compiled node per key.</param>
/// <param name="BaseUri">The resolution scope inside it (its own <c>id</c> applied).</param>
internal readonly record struct SchemaLocation(JsonElement Element, string Key, Uri BaseUri);

/// <summary>
/// The documents of one compilation and the schemas they identify with <c>id</c>. Resolves
/// <c>$ref</c>s: JSON Pointer fragments (<c>~0</c>, <c>~1</c>, percent-encoding), plain-name
/// fragments (<c>#foo</c>), <c>id</c>-based scopes, and documents from an <see cref="ISchemaResolver"/>.
/// </summary>
internal sealed class SchemaRegistry(ISchemaResolver? resolver)
{
    /// <summary>Keywords whose values are schemas, by shape (draft 4). Only these are searched for <c>id</c>.</summary>
    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "definitions", "dependencies"];
    private static readonly string[] SchemaValues = ["additionalItems", "additionalProperties", "not", "items"];
    private static readonly string[] SchemaArrays = ["allOf", "anyOf", "oneOf", "items"];

    private readonly Dictionary<string, SchemaLocation> _resources = new(StringComparer.Ordinal);

    public ISchemaResolver? Resolver => resolver;

    /// <summary>Adds a document and indexes its <c>id</c>s; returns its root.</summary>
    public SchemaLocation AddDocument(Uri uri, JsonElement root)
    {
        var documentKey = WithoutFragment(uri);
        var location = new SchemaLocation(root, documentKey + "#", ApplyId(uri, root));
        _resources.TryAdd(documentKey, location);
        Index(root, uri, documentKey + "#");
        return location;
    }

    /// <summary>The scope inside a schema: its <c>id</c> resolved against the parent's scope.</summary>
    public static Uri ApplyId(Uri parentBase, JsonElement schema)
    {
        // Draft 4: a schema with $ref is only the reference; a sibling id does not count.
        if (schema.ValueKind == JsonValueKind.Object
            && !schema.TryGetProperty("$ref"u8, out _)
            && schema.TryGetProperty("id"u8, out var id)
            && id.ValueKind == JsonValueKind.String
            && Uri.TryCreate(parentBase, id.GetString(), out var scoped))
        {
            return scoped;
        }
        return parentBase;
    }

    public static string EscapePointerToken(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string WithoutFragment(Uri uri) =>
        uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped);

    private void Index(JsonElement schema, Uri parentBase, string key)
    {
        if (schema.ValueKind != JsonValueKind.Object || schema.TryGetProperty("$ref"u8, out _))
        {
            return;
        }
        var scope = ApplyId(parentBase, schema);
        if (!ReferenceEquals(scope, parentBase))
        {
            var fragment = scope.Fragment.Length > 1 ? Uri.UnescapeDataString(scope.Fragment[1..]) : "";
            _resources.TryAdd(fragment.Length == 0 ? WithoutFragment(scope) : WithoutFragment(scope) + "#" + fragment,
                new SchemaLocation(schema, key, scope));
        }
        foreach (var keyword in SchemaMaps)
        {
            if (schema.TryGetProperty(keyword, out var map) && map.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in map.EnumerateObject())
                {
                    Index(entry.Value, scope, key + "/" + keyword + "/" + EscapePointerToken(entry.Name));
                }
            }
        }
        foreach (var keyword in SchemaValues)
        {
            if (schema.TryGetProperty(keyword, out var value))
            {
                Index(value, scope, key + "/" + keyword);
            }
        }
        foreach (var keyword in SchemaArrays)
        {
            if (schema.TryGetProperty(keyword, out var array) && array.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in array.EnumerateArray())
                {
                    Index(item, scope, key + "/" + keyword + "/" + i++);
                }
            }
        }
    }

    /// <summary>Resolves a <c>$ref</c> written in a schema whose scope is <paramref name="baseUri"/>.</summary>
    public bool TryResolve(string reference, Uri baseUri, out SchemaLocation target, out string error)
    {
        target = default;
        if (!Uri.TryCreate(baseUri, reference, out var absolute))
        {
            error = "is not a valid URI reference";
            return false;
        }
        var documentKey = WithoutFragment(absolute);
        var fragment = absolute.Fragment.Length > 1 ? Uri.UnescapeDataString(absolute.Fragment[1..]) : "";
        if (fragment.Length > 0 && fragment[0] != '/')
        {
            error = "names no schema with that id";
            return _resources.TryGetValue(documentKey + "#" + fragment, out target);
        }
        if (!_resources.TryGetValue(documentKey, out var resource))
        {
            if (resolver is null || !resolver.TryGetDocument(new Uri(documentKey), out var document))
            {
                error = "names a document that is not known (" + documentKey + ")";
                return false;
            }
            AddDocument(new Uri(documentKey), document.Clone());
            resource = _resources[documentKey];
        }
        return TryWalk(resource, fragment, out target, out error);
    }

    private static bool TryWalk(SchemaLocation resource, string pointer, out SchemaLocation target, out string error)
    {
        target = resource;
        error = "";
        if (pointer.Length == 0)
        {
            return true;
        }
        var current = resource.Element;
        var scope = resource.BaseUri;
        var key = resource.Key;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, out var index)
                && index >= 0 && index < current.GetArrayLength() && token == index.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                current = current[index];
            }
            else
            {
                error = "points at nothing (no '" + token + "')";
                return false;
            }
            key += "/" + EscapePointerToken(token);
            scope = ApplyId(scope, current);
        }
        target = new SchemaLocation(current, key, scope);
        return true;
    }
}
