using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>
/// Turns draft-4 schemas into trees of <see cref="SchemaNode"/>s. One compiler may compile
/// several documents (the models of an API) so that what they share is compiled once. Every
/// problem is collected, not just the first; a schema with problems must not be used.
/// </summary>
internal sealed partial class SchemaCompiler
{
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EcmaRegex?> _patterns = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];

    public SchemaCompiler(ISchemaResolver? resolver = null) => Registry = new SchemaRegistry(resolver);

    public SchemaRegistry Registry { get; }

    /// <summary>Problems found so far, each naming the schema location.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Compiles a document (cloned, so the caller may dispose its own) and returns its root.</summary>
    public SchemaNode CompileDocument(Uri uri, JsonElement document)
    {
        var root = Registry.AddDocument(uri, document.Clone());
        return Compile(root);
    }

    /// <summary>Compiles the schema at a location, or returns the node already made for it.</summary>
    public SchemaNode Compile(SchemaLocation location)
    {
        if (_nodes.TryGetValue(location.Key, out var node))
        {
            return node;
        }
        node = new SchemaNode { Location = location.Key };
        _nodes[location.Key] = node; // before filling: a recursive $ref finds this node
        Fill(node, location);
        return node;
    }

    private void Error(SchemaLocation location, string message) =>
        _errors.Add("schema " + location.Key + ": " + message);

    private SchemaNode Child(SchemaLocation parent, JsonElement schema, string suffix) =>
        Compile(new SchemaLocation(schema, parent.Key + suffix, SchemaRegistry.ApplyId(parent.BaseUri, schema)));

    private void Fill(SchemaNode node, SchemaLocation location)
    {
        var schema = location.Element;
        var any = new List<Keyword>();
        var obj = new List<Keyword>();
        var array = new List<Keyword>();
        var str = new List<Keyword>();
        var number = new List<Keyword>();
        if (schema.ValueKind != JsonValueKind.Object)
        {
            Error(location, "a schema must be a JSON object");
        }
        else if (schema.TryGetProperty("$ref"u8, out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            // Draft 4: "$ref" stands for the whole schema; any sibling keyword is ignored.
            var target = ResolveReference(location, reference.GetString()!);
            if (target is not null)
            {
                any.Add(new RefKeyword(target));
            }
        }
        else
        {
            AddGeneral(location, any);
            AddObject(location, obj);
            AddArray(location, array);
            AddString(location, str);
            AddNumber(location, number);
        }
        node.Fill(any, obj, array, str, number);
    }

    private SchemaNode? ResolveReference(SchemaLocation location, string reference)
    {
        if (Registry.TryResolve(reference, location.BaseUri, out var target, out var error))
        {
            return Compile(target);
        }
        var mapped = Registry.Resolver?.MapUnresolvedReference(reference);
        if (mapped is not null && Registry.TryResolve(mapped.AbsoluteUri, location.BaseUri, out target, out _))
        {
            return Compile(target);
        }
        Error(location, "$ref " + JsonText.Quote(reference) + " " + error);
        return null;
    }

    private SchemaNode[]? SchemaArray(SchemaLocation location, JsonElement value, string keyword)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            Error(location, keyword + " must be a non-empty array of schemas");
            return null;
        }
        var nodes = new SchemaNode[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            nodes[i] = Child(location, item, "/" + keyword + "/" + i);
            i++;
        }
        return nodes;
    }

    private EcmaRegex? Pattern(SchemaLocation location, string pattern)
    {
        if (!_patterns.TryGetValue(pattern, out var regex))
        {
            regex = EcmaRegex.TryCreate(pattern, out var error);
            _patterns[pattern] = regex;
            if (regex is null)
            {
                Error(location, "pattern " + JsonText.Quote(pattern) + " is not a valid regular expression: " + error);
            }
        }
        return regex;
    }

    /// <summary>A non-negative integer keyword (minLength, maxItems, ...), or the default.</summary>
    private long Count(SchemaLocation location, string keyword, long fallback)
    {
        if (!location.Element.TryGetProperty(keyword, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && JsonNumber.IsInteger(value))
        {
            var count = value.TryGetInt64(out var exact) ? exact : (long)Math.Min(value.GetDouble(), long.MaxValue);
            if (count >= 0)
            {
                return count;
            }
        }
        Error(location, keyword + " must be a non-negative integer");
        return fallback;
    }

    private bool Flag(SchemaLocation location, string keyword)
    {
        if (!location.Element.TryGetProperty(keyword, out var value))
        {
            return false;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.ValueKind == JsonValueKind.True;
        }
        Error(location, keyword + " must be a boolean");
        return false;
    }
}
