using System.Globalization;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>Expression grammar, loosest binding first: or, and, equality, relational, additive, multiplicative, unary.</summary>
internal sealed partial class TemplateScanner
{
    public TemplateExpr ParseExpression()
    {
        if (++_nesting > MaxNesting)
        {
            throw Error("The expression is nested too deeply");
        }
        try
        {
            return ParseOr();
        }
        finally
        {
            _nesting--;
        }
    }

    private TemplateExpr ParseOr()
    {
        var left = ParseAnd();
        while (true)
        {
            SkipWhitespace();
            if (TryOperator("||") || TryWord("or"))
            {
                left = new BinaryExpr(BinaryOperator.Or, left, ParseAnd());
            }
            else
            {
                return left;
            }
        }
    }

    private TemplateExpr ParseAnd()
    {
        var left = ParseEquality();
        while (true)
        {
            SkipWhitespace();
            if (TryOperator("&&") || TryWord("and"))
            {
                left = new BinaryExpr(BinaryOperator.And, left, ParseEquality());
            }
            else
            {
                return left;
            }
        }
    }

    private TemplateExpr ParseEquality()
    {
        var left = ParseRelational();
        while (true)
        {
            SkipWhitespace();
            if (TryOperator("==") || TryWord("eq"))
            {
                left = new BinaryExpr(BinaryOperator.Equal, left, ParseRelational());
            }
            else if (TryOperator("!=") || TryWord("ne"))
            {
                left = new BinaryExpr(BinaryOperator.NotEqual, left, ParseRelational());
            }
            else
            {
                return left;
            }
        }
    }

    private TemplateExpr ParseRelational()
    {
        var left = ParseAdditive();
        while (true)
        {
            SkipWhitespace();
            BinaryOperator op;
            if (TryOperator("<=") || TryWord("le"))
            {
                op = BinaryOperator.LessOrEqual;
            }
            else if (TryOperator(">=") || TryWord("ge"))
            {
                op = BinaryOperator.GreaterOrEqual;
            }
            else if (TryOperator("<") || TryWord("lt"))
            {
                op = BinaryOperator.Less;
            }
            else if (TryOperator(">") || TryWord("gt"))
            {
                op = BinaryOperator.Greater;
            }
            else
            {
                return left;
            }
            left = new BinaryExpr(op, left, ParseAdditive());
        }
    }

    private TemplateExpr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            SkipWhitespace();
            if (TryOperator("+"))
            {
                left = new BinaryExpr(BinaryOperator.Add, left, ParseMultiplicative());
            }
            else if (TryOperator("-"))
            {
                left = new BinaryExpr(BinaryOperator.Subtract, left, ParseMultiplicative());
            }
            else
            {
                return left;
            }
        }
    }

    private TemplateExpr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            SkipWhitespace();
            if (TryOperator("*"))
            {
                left = new BinaryExpr(BinaryOperator.Multiply, left, ParseUnary());
            }
            else if (TryOperator("/"))
            {
                left = new BinaryExpr(BinaryOperator.Divide, left, ParseUnary());
            }
            else if (TryOperator("%"))
            {
                left = new BinaryExpr(BinaryOperator.Modulo, left, ParseUnary());
            }
            else
            {
                return left;
            }
        }
    }

    private TemplateExpr ParseUnary()
    {
        SkipWhitespace();
        if ((Peek() == '!' && Peek(1) != '=') || TryWordAhead("not"))
        {
            Pos += Peek() == '!' ? 1 : 3;
            return new NotExpr(ParseNested(ParseUnary));
        }
        if (Peek() == '-')
        {
            Pos++;
            var operand = ParseNested(ParseUnary);
            return operand is LiteralExpr { Value.IsNumber: true } literal
                ? new LiteralExpr(new NegateExpr(literal).Evaluate(null!))
                : new NegateExpr(operand);
        }
        return ParsePrimary();
    }

    private TemplateExpr ParseNested(Func<TemplateExpr> parse)
    {
        if (++_nesting > MaxNesting)
        {
            throw Error("The expression is nested too deeply");
        }
        try
        {
            return parse();
        }
        finally
        {
            _nesting--;
        }
    }

    private TemplateExpr ParsePrimary()
    {
        SkipWhitespace();
        var start = Pos;
        var c = Peek();
        switch (c)
        {
            case '$':
                return TryReadReference() ?? throw Error("Expected a variable name after '$'");
            case '"':
                return ReadDoubleQuoted();
            case '\'':
                return ReadSingleQuoted();
            case '(':
                Pos++;
                var inner = ParseExpression();
                Expect(')', "to close the parenthesis");
                return inner;
            case '[':
                Pos++;
                return ReadListOrRange();
            case '{':
                Pos++;
                return ReadMap();
        }
        if (char.IsAsciiDigit(c))
        {
            return ReadNumber();
        }
        if (IsIdentifierStart(c))
        {
            var word = ReadIdentifier();
            switch (word)
            {
                case "true": return new LiteralExpr(TemplateValue.True);
                case "false": return new LiteralExpr(TemplateValue.False);
                case "null": return new LiteralExpr(TemplateValue.Null);
            }
            throw Error($"Unexpected word '{word}' in an expression", start);
        }
        throw Error(AtEnd ? "Expected an expression but the template ended" : $"Unexpected '{c}' in an expression");
    }

    private TemplateExpr ReadNumber()
    {
        var start = Pos;
        while (char.IsAsciiDigit(Peek()))
        {
            Pos++;
        }
        var isDecimal = Peek() == '.' && char.IsAsciiDigit(Peek(1));
        if (isDecimal)
        {
            Pos++;
            while (char.IsAsciiDigit(Peek()))
            {
                Pos++;
            }
        }
        var text = Source.AsSpan(start, Pos - start);
        if (!isDecimal && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            return new LiteralExpr(TemplateValue.From(integer));
        }
        return new LiteralExpr(TemplateValue.From(double.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)));
    }

    private TemplateExpr ReadListOrRange()
    {
        SkipWhitespace();
        if (Peek() == ']')
        {
            Pos++;
            return new ListExpr([]);
        }
        var first = ParseExpression();
        SkipWhitespace();
        if (Peek() == '.' && Peek(1) == '.')
        {
            Pos += 2;
            var last = ParseExpression();
            Expect(']', "to close the range");
            return new RangeExpr(first, last);
        }
        var items = new List<TemplateExpr> { first };
        while (true)
        {
            SkipWhitespace();
            if (Peek() == ']')
            {
                Pos++;
                return new ListExpr([.. items]);
            }
            Expect(',', "between list items");
            items.Add(ParseExpression());
        }
    }

    private TemplateExpr ReadMap()
    {
        var keys = new List<TemplateExpr>();
        var values = new List<TemplateExpr>();
        SkipWhitespace();
        if (Peek() == '}')
        {
            Pos++;
            return new MapExpr([], []);
        }
        while (true)
        {
            keys.Add(ParseExpression());
            Expect(':', "after a map key");
            values.Add(ParseExpression());
            SkipWhitespace();
            if (Peek() == '}')
            {
                Pos++;
                return new MapExpr([.. keys], [.. values]);
            }
            Expect(',', "between map entries");
        }
    }

    private bool TryOperator(string op)
    {
        if (Pos + op.Length > Limit || string.CompareOrdinal(Source, Pos, op, 0, op.Length) != 0)
        {
            return false;
        }
        Pos += op.Length;
        return true;
    }

    public bool TryWordAhead(string word) =>
        Pos + word.Length <= Limit
        && string.CompareOrdinal(Source, Pos, word, 0, word.Length) == 0
        && (Pos + word.Length == Limit || !IsIdentifierPart(Source[Pos + word.Length]));

    public bool TryWord(string word)
    {
        if (!TryWordAhead(word))
        {
            return false;
        }
        Pos += word.Length;
        return true;
    }
}
