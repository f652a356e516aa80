using System.Globalization;

namespace Tollgate.Gateway.Templates.JsonPath;

/// <summary>Parses JSONPath text; errors are <see cref="FormatException"/>s with a position.</summary>
internal sealed class JsonPathParser(string path)
{
    private const int MaxNesting = 32;
    private int _pos;
    private int _nesting;

    public JsonPathExpression Parse()
    {
        var text = path.Trim();
        if (text.Length == 0)
        {
            throw Error("The path is empty");
        }
        var source = text[0] == '$' ? text : "$." + text; // Jayway reads 'a.b' as '$.a.b'
        var parser = new JsonPathParser(source);
        parser._pos = 1;
        var selectors = parser.ParseSelectors(stopAtOperator: false);
        if (parser._pos < source.Length)
        {
            throw parser.Error($"Unexpected '{source[parser._pos]}'");
        }
        return new JsonPathExpression(path, selectors);
    }

    private FormatException Error(string message) => new($"Invalid JSONPath '{path}' at {_pos + 1}: {message}");

    private char Peek(int offset = 0) => _pos + offset < path.Length ? path[_pos + offset] : '\0';

    private void SkipSpaces()
    {
        while (Peek() == ' ')
        {
            _pos++;
        }
    }

    /// <summary>Reads steps until the end, or (inside a filter) until something that is not a step.</summary>
    private JsonPathSelector[] ParseSelectors(bool stopAtOperator)
    {
        var selectors = new List<JsonPathSelector>();
        while (_pos < path.Length)
        {
            var c = Peek();
            if (c == '.' && Peek(1) == '.')
            {
                _pos += 2;
                var inner = Peek() == '[' ? ParseBracket() : ParseDotMember(stopAtOperator);
                selectors.Add(new RecursiveSelector(inner));
            }
            else if (c == '.')
            {
                _pos++;
                selectors.Add(ParseDotMember(stopAtOperator));
            }
            else if (c == '[')
            {
                selectors.Add(ParseBracket());
            }
            else if (stopAtOperator)
            {
                break;
            }
            else
            {
                throw Error($"Expected '.' or '[' but found '{c}'");
            }
        }
        return [.. selectors];
    }

    private JsonPathSelector ParseDotMember(bool stopAtOperator)
    {
        if (Peek() == '*')
        {
            _pos++;
            return WildcardSelector.Instance;
        }
        var start = _pos;
        while (_pos < path.Length && path[_pos] is not ('.' or '['))
        {
            if (stopAtOperator && path[_pos] is ' ' or ')' or '=' or '!' or '<' or '>' or '&' or '|')
            {
                break;
            }
            _pos++;
        }
        if (_pos == start)
        {
            throw Error("Expected a property name");
        }
        return new NameSelector(path[start.._pos]);
    }

    private JsonPathSelector ParseBracket()
    {
        _pos++; // '['
        SkipSpaces();
        JsonPathSelector selector;
        var c = Peek();
        if (c == '*')
        {
            _pos++;
            selector = WildcardSelector.Instance;
        }
        else if (c == '?')
        {
            _pos++;
            SkipSpaces();
            Expect('(');
            if (++_nesting > MaxNesting)
            {
                throw Error("Filters are nested too deeply");
            }
            var filter = ParseOr();
            _nesting--;
            SkipSpaces();
            Expect(')');
            selector = new FilterSelector(filter);
        }
        else if (c is '\'' or '"')
        {
            var names = new List<JsonPathSelector> { new NameSelector(ReadQuoted()) };
            SkipSpaces();
            while (Peek() == ',')
            {
                _pos++;
                SkipSpaces();
                names.Add(new NameSelector(ReadQuoted()));
                SkipSpaces();
            }
            selector = names.Count == 1 ? names[0] : new UnionSelector([.. names]);
        }
        else
        {
            selector = ParseIndexes();
        }
        SkipSpaces();
        Expect(']');
        return selector;
    }

    private JsonPathSelector ParseIndexes()
    {
        var first = ReadInteger();
        SkipSpaces();
        if (Peek() == ':')
        {
            _pos++;
            SkipSpaces();
            var end = ReadInteger();
            SkipSpaces();
            var step = 1;
            if (Peek() == ':')
            {
                _pos++;
                SkipSpaces();
                step = ReadInteger() ?? 1;
                if (step <= 0)
                {
                    throw Error("A slice step must be positive");
                }
            }
            return new SliceSelector(first, end, step);
        }
        if (first is null)
        {
            throw Error("Expected an index, a slice, a quoted name, '*' or a filter");
        }
        var indexes = new List<JsonPathSelector> { new IndexSelector(first.Value) };
        while (Peek() == ',')
        {
            _pos++;
            SkipSpaces();
            indexes.Add(new IndexSelector(ReadInteger() ?? throw Error("Expected an index")));
            SkipSpaces();
        }
        return indexes.Count == 1 ? indexes[0] : new UnionSelector([.. indexes]);
    }

    private int? ReadInteger()
    {
        var start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }
        while (char.IsAsciiDigit(Peek()))
        {
            _pos++;
        }
        if (_pos == start || (_pos == start + 1 && path[start] == '-'))
        {
            _pos = start;
            return null;
        }
        if (!int.TryParse(path.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error("The index is too large");
        }
        return value;
    }

    private string ReadQuoted()
    {
        var quote = Peek();
        if (quote is not ('\'' or '"'))
        {
            throw Error("Expected a quoted name");
        }
        _pos++;
        var sb = new System.Text.StringBuilder();
        while (_pos < path.Length && path[_pos] != quote)
        {
            if (path[_pos] == '\\' && _pos + 1 < path.Length)
            {
                _pos++;
            }
            sb.Append(path[_pos++]);
        }
        if (_pos >= path.Length)
        {
            throw Error("Unterminated quoted name");
        }
        _pos++;
        return sb.ToString();
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error(_pos >= path.Length ? $"Expected '{c}' but the path ended" : $"Expected '{c}' but found '{Peek()}'");
        }
        _pos++;
    }

    private FilterExpression ParseOr()
    {
        var left = ParseAnd();
        while (true)
        {
            SkipSpaces();
            if (Peek() == '|' && Peek(1) == '|')
            {
                _pos += 2;
                left = new OrFilter(left, ParseAnd());
            }
            else
            {
                return left;
            }
        }
    }

    private FilterExpression ParseAnd()
    {
        var left = ParseUnaryFilter();
        while (true)
        {
            SkipSpaces();
            if (Peek() == '&' && Peek(1) == '&')
            {
                _pos += 2;
                left = new AndFilter(left, ParseUnaryFilter());
            }
            else
            {
                return left;
            }
        }
    }

    private FilterExpression ParseUnaryFilter()
    {
        SkipSpaces();
        if (++_nesting > MaxNesting)
        {
            throw Error("The filter is nested too deeply");
        }
        try
        {
            if (Peek() == '!' && Peek(1) != '=')
            {
                _pos++;
                return new NotFilter(ParseUnaryFilter());
            }
            if (Peek() == '(')
            {
                _pos++;
                var inner = ParseOr();
                SkipSpaces();
                Expect(')');
                return inner;
            }
            var left = ParseOperand();
            SkipSpaces();
            var op = ReadOperator();
            if (op is null)
            {
                return new ExistsFilter(left);
            }
            SkipSpaces();
            return new ComparisonFilter(left, op.Value, ParseOperand());
        }
        finally
        {
            _nesting--;
        }
    }

    private FilterOperator? ReadOperator()
    {
        var two = _pos + 1 < path.Length ? path.Substring(_pos, 2) : "";
        FilterOperator? op = two switch
        {
            "==" => FilterOperator.Equal,
            "!=" => FilterOperator.NotEqual,
            "<=" => FilterOperator.LessOrEqual,
            ">=" => FilterOperator.GreaterOrEqual,
            _ => null,
        };
        if (op is not null)
        {
            _pos += 2;
            return op;
        }
        op = Peek() switch
        {
            '<' => FilterOperator.Less,
            '>' => FilterOperator.Greater,
            _ => null,
        };
        if (op is not null)
        {
            _pos++;
        }
        return op;
    }

    private FilterOperand ParseOperand()
    {
        var c = Peek();
        if (c is '@' or '$')
        {
            _pos++;
            return new PathOperand(c == '$', ParseSelectors(stopAtOperator: true));
        }
        if (c is '\'' or '"')
        {
            return new LiteralOperand(new FilterValue(FilterValueKind.String, Text: ReadQuoted()));
        }
        if (char.IsAsciiDigit(c) || c == '-')
        {
            var start = _pos;
            _pos++;
            while (char.IsAsciiDigit(Peek()) || Peek() is '.' or 'e' or 'E' or '+' || (Peek() == '-' && path[_pos - 1] is 'e' or 'E'))
            {
                _pos++;
            }
            if (!double.TryParse(path.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                throw Error("Invalid number");
            }
            return new LiteralOperand(new FilterValue(FilterValueKind.Number, number));
        }
        foreach (var (word, value) in Words)
        {
            if (string.CompareOrdinal(path, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                return new LiteralOperand(value);
            }
        }
        throw Error(_pos >= path.Length ? "The filter ended early" : $"Unexpected '{c}' in a filter");
    }

    private static readonly (string Word, FilterValue Value)[] Words =
    [
        ("true", new FilterValue(FilterValueKind.Boolean, Boolean: true)),
        ("false", new FilterValue(FilterValueKind.Boolean, Boolean: false)),
        ("null", new FilterValue(FilterValueKind.Null)),
    ];
}
