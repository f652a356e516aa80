namespace Tollgate.Gateway.Templates.Engine;

/// <summary>An expression inside a directive, a method argument or an index.</summary>
internal abstract class TemplateExpr
{
    public abstract TemplateValue Evaluate(TemplateRenderer renderer);
}

internal sealed class LiteralExpr(TemplateValue value) : TemplateExpr
{
    public TemplateValue Value { get; } = value;

    public override TemplateValue Evaluate(TemplateRenderer renderer) => Value;
}

/// <summary>A double-quoted string with references in it: <c>"Item $elem.id"</c>.</summary>
internal sealed class InterpolatedStringExpr(TemplateNode[] parts) : TemplateExpr
{
    public override TemplateValue Evaluate(TemplateRenderer renderer) =>
        TemplateValue.From(renderer.RenderToString(parts));
}

internal enum SegmentKind : byte
{
    Property,
    Method,
    Index,
}

/// <summary>One step of a reference: <c>.name</c>, <c>.name(args)</c> or <c>[index]</c>.</summary>
internal sealed class ReferenceSegment(SegmentKind kind, string name, TemplateExpr[] args)
{
    public SegmentKind Kind { get; } = kind;

    public string Name { get; } = name;

    public TemplateExpr[] Args { get; } = args;
}

/// <summary><c>$root.a.b(x)[0]</c>. Evaluates to null as soon as a step does not resolve.</summary>
internal sealed class ReferenceExpr(int slot, string rootName, ReferenceSegment[] segments, bool quiet, string source) : TemplateExpr
{
    public int Slot { get; } = slot;

    public string RootName { get; } = rootName;

    public ReferenceSegment[] Segments { get; } = segments;

    public bool Quiet { get; } = quiet;

    /// <summary>The reference as written, rendered when its value is null.</summary>
    public string Source { get; } = source;

    public override TemplateValue Evaluate(TemplateRenderer renderer) => EvaluatePrefix(renderer, Segments.Length);

    /// <summary>Evaluates the root and the first <paramref name="count"/> segments.</summary>
    public TemplateValue EvaluatePrefix(TemplateRenderer renderer, int count)
    {
        var value = renderer.GetSlot(Slot);
        for (var i = 0; i < count && !value.IsNull; i++)
        {
            value = renderer.Step(value, Segments[i]);
        }
        return value;
    }
}

internal sealed class ListExpr(TemplateExpr[] items) : TemplateExpr
{
    public override TemplateValue Evaluate(TemplateRenderer renderer)
    {
        var list = new TemplateList(capacity: items.Length);
        foreach (var item in items)
        {
            list.Add(item.Evaluate(renderer));
        }
        return TemplateValue.From(list);
    }
}

/// <summary><c>[from..to]</c>: the integers between, inclusive, counting down when from &gt; to.</summary>
internal sealed class RangeExpr(TemplateExpr from, TemplateExpr to) : TemplateExpr
{
    public const int MaxRangeLength = 100_000;

    public override TemplateValue Evaluate(TemplateRenderer renderer)
    {
        var start = from.Evaluate(renderer);
        var end = to.Evaluate(renderer);
        if (!start.TryGetInt32(out var a) || !end.TryGetInt32(out var b))
        {
            return TemplateValue.Null;
        }
        var length = Math.Abs((long)b - a) + 1;
        if (length > MaxRangeLength)
        {
            throw new TemplateRuntimeException($"Range [{a}..{b}] is longer than {MaxRangeLength} elements.");
        }
        var list = new TemplateList(capacity: (int)length);
        var step = a <= b ? 1 : -1;
        for (long i = a; ; i += step)
        {
            list.Add(TemplateValue.From(i));
            if (i == b)
            {
                break;
            }
        }
        return TemplateValue.From(list);
    }
}

internal sealed class MapExpr(TemplateExpr[] keys, TemplateExpr[] values) : TemplateExpr
{
    public override TemplateValue Evaluate(TemplateRenderer renderer)
    {
        var map = new TemplateMap(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            map.Put(keys[i].Evaluate(renderer).ToString(), values[i].Evaluate(renderer));
        }
        return TemplateValue.From(map);
    }
}

internal sealed class NotExpr(TemplateExpr operand) : TemplateExpr
{
    public override TemplateValue Evaluate(TemplateRenderer renderer) =>
        TemplateValue.From(!operand.Evaluate(renderer).IsTruthy);
}

internal sealed class NegateExpr(TemplateExpr operand) : TemplateExpr
{
    public override TemplateValue Evaluate(TemplateRenderer renderer)
    {
        var value = operand.Evaluate(renderer);
        return value.Kind switch
        {
            TemplateValueKind.Integer when value.AsInteger != long.MinValue => TemplateValue.From(-value.AsInteger),
            TemplateValueKind.Integer or TemplateValueKind.Double => TemplateValue.From(-value.AsDouble),
            _ => TemplateValue.Null,
        };
    }
}

internal enum BinaryOperator : byte
{
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

internal sealed class BinaryExpr(BinaryOperator op, TemplateExpr left, TemplateExpr right) : TemplateExpr
{
    public override TemplateValue Evaluate(TemplateRenderer renderer)
    {
        switch (op)
        {
            case BinaryOperator.Or:
                return TemplateValue.From(left.Evaluate(renderer).IsTruthy || right.Evaluate(renderer).IsTruthy);
            case BinaryOperator.And:
                return TemplateValue.From(left.Evaluate(renderer).IsTruthy && right.Evaluate(renderer).IsTruthy);
        }
        var a = left.Evaluate(renderer);
        var b = right.Evaluate(renderer);
        return op switch
        {
            BinaryOperator.Equal => TemplateValue.From(Operators.AreEqual(a, b)),
            BinaryOperator.NotEqual => TemplateValue.From(!Operators.AreEqual(a, b)),
            BinaryOperator.Less => Operators.Compare(a, b, static c => c < 0),
            BinaryOperator.Greater => Operators.Compare(a, b, static c => c > 0),
            BinaryOperator.LessOrEqual => Operators.Compare(a, b, static c => c <= 0),
            BinaryOperator.GreaterOrEqual => Operators.Compare(a, b, static c => c >= 0),
            BinaryOperator.Add => Operators.Add(renderer, a, b),
            _ => Operators.Arithmetic(op, a, b),
        };
    }
}
