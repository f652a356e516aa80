namespace Tollgate.Gateway.Templates.Engine;

/// <summary>Velocity 1.7 operator semantics over template values.</summary>
internal static class Operators
{
    /// <summary>
    /// <c>==</c>: numbers by value, values of one kind by content, values of different kinds by
    /// their string forms (Velocity 1.7 compares <c>toString()</c> when classes differ). Null
    /// equals null and, in API Gateway's engine, the empty string (<c>$missing == ""</c> is
    /// true: recordings of real AWS, issue 19).
    /// </summary>
    public static bool AreEqual(TemplateValue a, TemplateValue b)
    {
        if (a.IsNull || b.IsNull)
        {
            return (a.IsNull || IsEmptyString(a)) && (b.IsNull || IsEmptyString(b));
        }
        if (a.Kind == b.Kind || (a.IsNumber && b.IsNumber))
        {
            return a.Equals(b);
        }
        return string.Equals(a.ToString(), b.ToString(), StringComparison.Ordinal);
    }

    private static bool IsEmptyString(TemplateValue value) => value.IsString && value.AsString.Length == 0;

    /// <summary>Relational operators compare numbers only; anything else is false.</summary>
    public static TemplateValue Compare(TemplateValue a, TemplateValue b, Func<int, bool> test)
    {
        if (!a.IsNumber || !b.IsNumber)
        {
            return TemplateValue.False;
        }
        var c = a.Kind == TemplateValueKind.Integer && b.Kind == TemplateValueKind.Integer
            ? a.AsInteger.CompareTo(b.AsInteger)
            : a.AsDouble.CompareTo(b.AsDouble);
        return TemplateValue.From(test(c));
    }

    /// <summary><c>+</c>: numeric addition, or string concatenation when either side is not a number.</summary>
    public static TemplateValue Add(TemplateRenderer renderer, TemplateValue a, TemplateValue b)
    {
        if (a.IsNumber && b.IsNumber)
        {
            return Arithmetic(BinaryOperator.Add, a, b);
        }
        if (a.IsNull || b.IsNull)
        {
            return TemplateValue.Null;
        }
        var left = a.ToString();
        var right = b.ToString();
        renderer.CheckStringLength((long)left.Length + right.Length);
        return TemplateValue.From(string.Concat(left, right));
    }

    public static TemplateValue Arithmetic(BinaryOperator op, TemplateValue a, TemplateValue b)
    {
        if (!a.IsNumber || !b.IsNumber)
        {
            return TemplateValue.Null;
        }
        if (a.Kind == TemplateValueKind.Integer && b.Kind == TemplateValueKind.Integer)
        {
            var x = a.AsInteger;
            var y = b.AsInteger;
            switch (op)
            {
                case BinaryOperator.Add:
                    var sum = x + y;
                    return ((x ^ sum) & (y ^ sum)) < 0 ? TemplateValue.From((double)x + y) : TemplateValue.From(sum);
                case BinaryOperator.Subtract:
                    var difference = x - y;
                    return ((x ^ y) & (x ^ difference)) < 0 ? TemplateValue.From((double)x - y) : TemplateValue.From(difference);
                case BinaryOperator.Multiply:
                    var product = Math.BigMul(x, y, out var low);
                    return (product == 0 && low >= 0) || (product == -1 && low < 0)
                        ? TemplateValue.From(low)
                        : TemplateValue.From((double)x * y);
                case BinaryOperator.Divide:
                    // Velocity logs division by zero and yields null.
                    if (y == 0)
                    {
                        return TemplateValue.Null;
                    }
                    return x == long.MinValue && y == -1 ? TemplateValue.From(-(double)x) : TemplateValue.From(x / y);
                case BinaryOperator.Modulo:
                    if (y == 0)
                    {
                        return TemplateValue.Null;
                    }
                    return y == -1 ? TemplateValue.From(0L) : TemplateValue.From(x % y);
            }
        }
        var p = a.AsDouble;
        var q = b.AsDouble;
        return op switch
        {
            BinaryOperator.Add => TemplateValue.From(p + q),
            BinaryOperator.Subtract => TemplateValue.From(p - q),
            BinaryOperator.Multiply => TemplateValue.From(p * q),
            BinaryOperator.Divide => q == 0 ? TemplateValue.Null : TemplateValue.From(p / q),
            BinaryOperator.Modulo => q == 0 ? TemplateValue.Null : TemplateValue.From(p % q),
            _ => TemplateValue.Null,
        };
    }
}
