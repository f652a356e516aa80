using System.Text.Json;

namespace Tollgate.Gateway.Schemas;

/// <summary>One compiled check of a schema keyword (or of a few keywords that work together).</summary>
internal abstract class Keyword
{
    /// <summary>
    /// Checks an instance. With <paramref name="errors"/> null, answers as soon as it knows
    /// (and must not allocate); otherwise reports every failure it finds there.
    /// </summary>
    public abstract bool Validate(JsonElement instance, ErrorCollector? errors, int depth);

    /// <summary>Validates a child value under a path segment (the segment is only built when reporting).</summary>
    protected static bool Child(SchemaNode node, JsonElement value, JsonProperty property, ErrorCollector? errors, int depth)
    {
        if (errors is null)
        {
            return node.Validate(value, null, depth + 1);
        }
        errors.Push(property.Name);
        var valid = node.Validate(value, errors, depth + 1);
        errors.Pop();
        return valid;
    }

    /// <inheritdoc cref="Child(SchemaNode, JsonElement, JsonProperty, ErrorCollector?, int)"/>
    protected static bool Child(SchemaNode node, JsonElement value, int index, ErrorCollector? errors, int depth)
    {
        if (errors is null)
        {
            return node.Validate(value, null, depth + 1);
        }
        errors.Push(index);
        var valid = node.Validate(value, errors, depth + 1);
        errors.Pop();
        return valid;
    }
}

/// <summary>
/// A compiled schema: its checks grouped by the kind of instance they apply to, so that
/// validating a string never looks at object keywords. Nodes are created before they are
/// filled, so recursive <c>$ref</c>s point at the same node.
/// </summary>
internal sealed class SchemaNode
{
    /// <summary>
    /// Deepest nesting of schemas followed for one instance. Instances are at most 64 levels
    /// deep (the JSON reader's limit), so only a schema that refers to itself without
    /// descending into the instance (<c>{"allOf": [{"$ref": "#"}]}</c>) gets here.
    /// </summary>
    public const int MaxDepth = 400;

    private Keyword[] _any = [];
    private Keyword[] _object = [];
    private Keyword[] _array = [];
    private Keyword[] _string = [];
    private Keyword[] _number = [];

    /// <summary>Where the schema stands, e.g. <c>https://host/models/Pet#/properties/tags</c>.</summary>
    public required string Location { get; init; }

    internal void Fill(List<Keyword> any, List<Keyword> obj, List<Keyword> array, List<Keyword> str, List<Keyword> number)
    {
        _any = [.. any];
        _object = [.. obj];
        _array = [.. array];
        _string = [.. str];
        _number = [.. number];
    }

    public bool Validate(JsonElement instance, ErrorCollector? errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors?.Add("$ref", "validation loop: schema \"" + Location + "\" visited too many times for the same instance");
            return false;
        }
        var valid = Run(_any, instance, errors, depth);
        if (!valid && (errors is null || errors.IsFull))
        {
            return false;
        }
        var specific = instance.ValueKind switch
        {
            JsonValueKind.Object => _object,
            JsonValueKind.Array => _array,
            JsonValueKind.String => _string,
            JsonValueKind.Number => _number,
            _ => [],
        };
        return Run(specific, instance, errors, depth) && valid;
    }

    private static bool Run(Keyword[] keywords, JsonElement instance, ErrorCollector? errors, int depth)
    {
        var valid = true;
        foreach (var keyword in keywords)
        {
            if (!keyword.Validate(instance, errors, depth))
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
