using System.Text;

namespace Tollgate.Gateway.Templates.Engine;

internal enum LexKind : byte
{
    Text,
    Reference,
    Comment,
    Set,
    If,
    ElseIf,
    Else,
    End,
    Foreach,
    Break,
    Stop,
    Define,
}

/// <summary>One top-level piece of a template: text, a reference, a comment or a directive.</summary>
internal sealed class LexItem(LexKind kind, int position)
{
    public LexKind Kind { get; } = kind;

    public int Position { get; } = position;

    public string Text { get; init; } = "";

    /// <summary>A <c>##</c> comment, which takes the end of its line with it.</summary>
    public bool EndsLine { get; init; }

    public ReferenceExpr? Reference { get; init; }

    public TemplateExpr? Expression { get; init; }
}

/// <summary>Splits a template into text, references, comments and directives.</summary>
internal static class TemplateLexer
{
    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("$#");

    public static List<LexItem> Read(TemplateScanner scanner)
    {
        var items = new List<LexItem>();
        var text = new StringBuilder();
        var textStart = 0;
        var source = scanner.Source;
        void Flush()
        {
            if (text.Length > 0)
            {
                items.Add(new LexItem(LexKind.Text, textStart) { Text = text.ToString() });
                text.Clear();
            }
        }
        while (!scanner.AtEnd)
        {
            var pos = scanner.Pos;
            if (text.Length == 0)
            {
                textStart = pos;
            }
            var next = source.AsSpan(pos).IndexOfAny(Special);
            if (next != 0)
            {
                var length = next < 0 ? source.Length - pos : next;
                text.Append(source, pos, length);
                scanner.Pos = pos + length;
                continue;
            }
            if (source[pos] == '$')
            {
                if (scanner.TryReadReference() is { } reference)
                {
                    Flush();
                    items.Add(new LexItem(LexKind.Reference, pos) { Reference = reference });
                }
                else
                {
                    text.Append('$');
                    scanner.Pos++;
                }
                continue;
            }
            var c1 = scanner.Peek(1);
            if (c1 == '#')
            {
                Flush();
                var eol = source.IndexOf('\n', pos);
                scanner.Pos = eol < 0 ? source.Length : eol + 1;
                items.Add(new LexItem(LexKind.Comment, pos) { EndsLine = true });
            }
            else if (c1 == '*')
            {
                Flush();
                var close = source.IndexOf("*#", pos + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw scanner.Error("Unterminated comment: '#*' has no closing '*#'", pos);
                }
                scanner.Pos = close + 2;
                items.Add(new LexItem(LexKind.Comment, pos));
            }
            else if (c1 == '[' && scanner.Peek(2) == '[')
            {
                // #[[ unparsed content ]]#
                var close = source.IndexOf("]]#", pos + 3, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw scanner.Error("Unterminated unparsed content: '#[[' has no closing ']]#'", pos);
                }
                text.Append(source, pos + 3, close - pos - 3);
                scanner.Pos = close + 3;
            }
            else if (ReadDirective(scanner) is { } directive)
            {
                Flush();
                items.Add(directive);
            }
            else
            {
                text.Append('#');
                scanner.Pos++;
            }
        }
        Flush();
        return items;
    }

    /// <summary>Reads <c>#name</c> or <c>#{name}</c> with its arguments; null when it is not a directive.</summary>
    private static LexItem? ReadDirective(TemplateScanner scanner)
    {
        var start = scanner.Pos;
        var p = 1;
        var braced = scanner.Peek(1) == '{';
        if (braced)
        {
            p++;
        }
        if (!char.IsAsciiLetter(scanner.Peek(p)))
        {
            return null;
        }
        scanner.Pos = start + p;
        var name = scanner.ReadIdentifier();
        if (braced)
        {
            if (scanner.Peek() != '}')
            {
                scanner.Pos = start;
                return null;
            }
            scanner.Pos++;
        }
        var kind = name switch
        {
            "set" => LexKind.Set,
            "if" => LexKind.If,
            "elseif" => LexKind.ElseIf,
            "else" => LexKind.Else,
            "end" => LexKind.End,
            "foreach" => LexKind.Foreach,
            "break" => LexKind.Break,
            "stop" => LexKind.Stop,
            "define" => LexKind.Define,
            _ => LexKind.Text,
        };
        if (kind == LexKind.Text)
        {
            scanner.Pos = start;
            return null;
        }
        return kind switch
        {
            LexKind.Set => ReadSet(scanner, start),
            LexKind.If or LexKind.ElseIf => ReadCondition(scanner, kind, name, start),
            LexKind.Foreach => ReadForeach(scanner, start),
            LexKind.Define => ReadDefine(scanner, start),
            _ => new LexItem(kind, start),
        };
    }

    private static void OpenParenthesis(TemplateScanner scanner, string name)
    {
        while (scanner.Peek() is ' ' or '\t')
        {
            scanner.Pos++;
        }
        if (scanner.Peek() != '(')
        {
            throw scanner.Error($"Expected '(' after #{name}");
        }
        scanner.Pos++;
        scanner.SkipWhitespace();
    }

    private static ReferenceExpr ReadVariable(TemplateScanner scanner, string name, bool simple)
    {
        var at = scanner.Pos;
        if (scanner.Peek() != '$' || scanner.TryReadReference() is not { } reference)
        {
            throw scanner.Error($"Expected a variable in #{name}");
        }
        if (simple && reference.Segments.Length > 0)
        {
            throw scanner.Error($"#{name} needs a simple variable such as $item, not '{reference.Source}'", at);
        }
        if (reference.Segments.Length > 0 && reference.Segments[^1].Kind == SegmentKind.Method)
        {
            throw scanner.Error($"Cannot assign to the method call '{reference.Source}'", at);
        }
        return reference;
    }

    private static LexItem ReadSet(TemplateScanner scanner, int start)
    {
        OpenParenthesis(scanner, "set");
        var target = ReadVariable(scanner, "set", simple: false);
        scanner.Expect('=', "in #set");
        var value = scanner.ParseExpression();
        scanner.Expect(')', "to close #set");
        return new LexItem(LexKind.Set, start) { Reference = target, Expression = value };
    }

    private static LexItem ReadCondition(TemplateScanner scanner, LexKind kind, string name, int start)
    {
        OpenParenthesis(scanner, name);
        var condition = scanner.ParseExpression();
        scanner.Expect(')', $"to close #{name}");
        return new LexItem(kind, start) { Expression = condition };
    }

    private static LexItem ReadForeach(TemplateScanner scanner, int start)
    {
        OpenParenthesis(scanner, "foreach");
        var variable = ReadVariable(scanner, "foreach", simple: true);
        scanner.SkipWhitespace();
        if (!scanner.TryWord("in"))
        {
            throw scanner.Error("Expected 'in' in #foreach");
        }
        var source = scanner.ParseExpression();
        scanner.Expect(')', "to close #foreach");
        return new LexItem(LexKind.Foreach, start) { Reference = variable, Expression = source };
    }

    private static LexItem ReadDefine(TemplateScanner scanner, int start)
    {
        OpenParenthesis(scanner, "define");
        var variable = ReadVariable(scanner, "define", simple: true);
        scanner.Expect(')', "to close #define");
        return new LexItem(LexKind.Define, start) { Reference = variable };
    }
}
