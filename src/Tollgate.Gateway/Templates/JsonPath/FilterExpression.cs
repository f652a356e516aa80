using System.Text.Json;

namespace Tollgate.Gateway.Templates.JsonPath;

/// <summary>A filter predicate of <c>[?( ... )]</c>, tested against the current node <c>@</c>.</summary>
internal abstract class FilterExpression
{
    public abstract bool Test(JsonElement current, JsonElement root);
}

internal sealed class AndFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Test(JsonElement current, JsonElement root) => left.Test(current, root) && right.Test(current, root);
}

internal sealed class OrFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Test(JsonElement current, JsonElement root) => left.Test(current, root) || right.Test(current, root);
}

internal sealed class NotFilter(FilterExpression operand) : FilterExpression
{
    public override bool Test(JsonElement current, JsonElement root) => !operand.Test(current, root);
}

/// <summary><c>[?(@.isbn)]</c>: the path exists.</summary>
internal sealed class ExistsFilter(FilterOperand operand) : FilterExpression
{
    public override bool Test(JsonElement current, JsonElement root) => operand.Evaluate(current, root).Kind != FilterValueKind.Missing;
}

internal enum FilterOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>
/// <c>@.price &lt; 10</c>, <c>@.category == 'fiction'</c>. Numbers compare by value, strings
/// ordinally; values of different types are never equal, and a missing side makes every
/// comparison false.
/// </summary>
internal sealed class ComparisonFilter(FilterOperand left, FilterOperator op, FilterOperand right) : FilterExpression
{
    public override bool Test(JsonElement current, JsonElement root)
    {
        var a = left.Evaluate(current, root);
        var b = right.Evaluate(current, root);
        if (a.Kind == FilterValueKind.Missing || b.Kind == FilterValueKind.Missing)
        {
            return false;
        }
        switch (op)
        {
            case FilterOperator.Equal:
                return a.SameAs(b);
            case FilterOperator.NotEqual:
                return !a.SameAs(b);
        }
        int c;
        if (a.Kind == FilterValueKind.Number && b.Kind == FilterValueKind.Number)
        {
            c = a.Number.CompareTo(b.Number);
        }
        else if (a.Kind == FilterValueKind.String && b.Kind == FilterValueKind.String)
        {
            c = string.CompareOrdinal(a.Text, b.Text);
        }
        else
        {
            return false;
        }
        return op switch
        {
            FilterOperator.Less => c < 0,
            FilterOperator.LessOrEqual => c <= 0,
            FilterOperator.Greater => c > 0,
            _ => c >= 0,
        };
    }
}

internal enum FilterValueKind
{
    Missing,
    Null,
    Boolean,
    Number,
    String,
    Structure,
}

internal readonly record struct FilterValue(FilterValueKind Kind, double Number = 0, string? Text = null, bool Boolean = false)
{
    public static FilterValue FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => new FilterValue(FilterValueKind.Number, element.GetDouble()),
        JsonValueKind.String => new FilterValue(FilterValueKind.String, Text: element.GetString()),
        JsonValueKind.True => new FilterValue(FilterValueKind.Boolean, Boolean: true),
        JsonValueKind.False => new FilterValue(FilterValueKind.Boolean, Boolean: false),
        JsonValueKind.Null => new FilterValue(FilterValueKind.Null),
        _ => new FilterValue(FilterValueKind.Structure, Text: element.GetRawText()),
    };

    public bool SameAs(FilterValue other) => Kind == other.Kind && Kind switch
    {
        FilterValueKind.Number => Number.Equals(other.Number),
        FilterValueKind.Boolean => Boolean == other.Boolean,
        FilterValueKind.Null => true,
        _ => string.Equals(Text, other.Text, StringComparison.Ordinal),
    };
}

/// <summary>One side of a comparison: a path from <c>@</c> or <c>$</c>, or a literal.</summary>
internal abstract class FilterOperand
{
    public abstract FilterValue Evaluate(JsonElement current, JsonElement root);
}

internal sealed class LiteralOperand(FilterValue value) : FilterOperand
{
    public override FilterValue Evaluate(JsonElement current, JsonElement root) => value;
}

internal sealed class PathOperand(bool fromRoot, JsonPathSelector[] selectors) : FilterOperand
{
    public override FilterValue Evaluate(JsonElement current, JsonElement root)
    {
        var node = fromRoot ? root : current;
        if (JsonPathExpression.TrySelectFirst(selectors, node, root, out var result))
        {
            return FilterValue.FromElement(result);
        }
        return new FilterValue(FilterValueKind.Missing);
    }
}
