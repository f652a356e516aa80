using System.Text;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>A syntax error at a position of the template source; caught by the parser.</summary>
internal sealed class TemplateSyntaxException(int position, string message) : Exception(message)
{
    public int Position { get; } = position;
}

/// <summary>
/// Reads references and expressions from template source. Variable names are given slot numbers
/// as they are met, so that rendering reads variables from an array.
/// </summary>
internal sealed partial class TemplateScanner
{
    private const int MaxNesting = 100;
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _slotNames = [];
    private int _nesting;

    public TemplateScanner(string source)
    {
        Source = source;
        Limit = source.Length;
    }

    public string Source { get; }

    public int Pos { get; set; }

    /// <summary>The end of the text being read (the closing quote while reading a string).</summary>
    public int Limit { get; private set; }

    public string[] SlotNames => [.. _slotNames];

    public bool AtEnd => Pos >= Limit;

    public char Peek(int offset = 0) => Pos + offset < Limit ? Source[Pos + offset] : '\0';

    public int Slot(string name)
    {
        if (!_slots.TryGetValue(name, out var slot))
        {
            slot = _slotNames.Count;
            _slots.Add(name, slot);
            _slotNames.Add(name);
        }
        return slot;
    }

    public static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    public static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>Velocity 1.7 (API Gateway's) lets names contain hyphens: <c>$context.requestOverride.header.X-Trace</c>.</summary>
    public static bool IsReferencePart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    public string ReadIdentifier(bool allowHyphen = false)
    {
        var start = Pos;
        while (Pos < Limit && (allowHyphen ? IsReferencePart(Source[Pos]) : IsIdentifierPart(Source[Pos])))
        {
            Pos++;
        }
        return Source[start..Pos];
    }

    public void SkipWhitespace()
    {
        while (Pos < Limit && char.IsWhiteSpace(Source[Pos]))
        {
            Pos++;
        }
    }

    public void Expect(char c, string context)
    {
        SkipWhitespace();
        if (Peek() != c)
        {
            throw Error(AtEnd ? $"Expected '{c}' {context} but the template ended" : $"Expected '{c}' {context} but found '{Peek()}'");
        }
        Pos++;
    }

    public TemplateSyntaxException Error(string message, int? at = null) => new(at ?? Pos, message);

    /// <summary>
    /// Reads <c>$a</c>, <c>$!a</c>, <c>${a}</c>, <c>$a.b</c>, <c>$a.b(args)</c>, <c>$a[i]</c> at
    /// <see cref="Pos"/>. Returns null, without moving, when the <c>$</c> does not start a
    /// reference (<c>$5</c>, <c>$ </c>): it is then literal text.
    /// </summary>
    public ReferenceExpr? TryReadReference()
    {
        var start = Pos;
        var p = Pos + 1;
        var quiet = p < Limit && Source[p] == '!';
        if (quiet)
        {
            p++;
        }
        var braced = p < Limit && Source[p] == '{';
        if (braced)
        {
            p++;
        }
        if (p >= Limit || !IsIdentifierStart(Source[p]))
        {
            return null;
        }
        Pos = p;
        var name = ReadIdentifier(allowHyphen: true);
        List<ReferenceSegment>? segments = null;
        while (true)
        {
            if (Peek() == '.' && IsIdentifierStart(Peek(1)))
            {
                Pos++;
                var member = ReadIdentifier(allowHyphen: true);
                if (Peek() == '(')
                {
                    Pos++;
                    (segments ??= []).Add(new ReferenceSegment(SegmentKind.Method, member, ReadArguments()));
                }
                else
                {
                    (segments ??= []).Add(new ReferenceSegment(SegmentKind.Property, member, []));
                }
            }
            else if (Peek() == '[')
            {
                Pos++;
                SkipWhitespace();
                var index = ParseExpression();
                Expect(']', "to close the index");
                (segments ??= []).Add(new ReferenceSegment(SegmentKind.Index, "", [index]));
            }
            else
            {
                break;
            }
        }
        if (braced)
        {
            if (Peek() != '}')
            {
                throw Error($"Expected '}}' to close '${(quiet ? "!" : "")}{{{name}'");
            }
            Pos++;
        }
        return new ReferenceExpr(Slot(name), name, segments?.ToArray() ?? [], quiet, Source[start..Pos]);
    }

    private TemplateExpr[] ReadArguments()
    {
        SkipWhitespace();
        if (Peek() == ')')
        {
            Pos++;
            return [];
        }
        var args = new List<TemplateExpr>();
        while (true)
        {
            args.Add(ParseExpression());
            SkipWhitespace();
            var c = Peek();
            if (c == ',')
            {
                Pos++;
                continue;
            }
            if (c == ')')
            {
                Pos++;
                return [.. args];
            }
            throw Error(AtEnd ? "Expected ')' to close the argument list but the template ended" : $"Expected ',' or ')' in the argument list but found '{c}'");
        }
    }

    /// <summary>Reads a double-quoted string; references in it are interpolated.</summary>
    private TemplateExpr ReadDoubleQuoted()
    {
        var open = Pos;
        var end = FindClosingQuote('"');
        var savedLimit = Limit;
        Limit = end;
        Pos = open + 1;
        var parts = new List<TemplateNode>();
        var text = new StringBuilder();
        try
        {
            while (Pos < Limit)
            {
                var c = Source[Pos];
                if (c == '$' && TryReadReference() is { } reference)
                {
                    if (text.Length > 0)
                    {
                        parts.Add(new TextNode(text.ToString()));
                        text.Clear();
                    }
                    parts.Add(new ReferenceNode(reference));
                    continue;
                }
                if (c == '"')
                {
                    Pos++; // a doubled quote stands for one
                }
                else if (c == '\\' && Pos + 1 < Limit)
                {
                    text.Append(c);
                    Pos++;
                    c = Source[Pos];
                }
                text.Append(c);
                Pos++;
            }
        }
        finally
        {
            Limit = savedLimit;
        }
        Pos = end + 1;
        if (parts.Count == 0)
        {
            return new LiteralExpr(TemplateValue.From(text.ToString()));
        }
        if (text.Length > 0)
        {
            parts.Add(new TextNode(text.ToString()));
        }
        return new InterpolatedStringExpr([.. parts]);
    }

    private TemplateExpr ReadSingleQuoted()
    {
        var end = FindClosingQuote('\'');
        var raw = Source[(Pos + 1)..end];
        Pos = end + 1;
        return new LiteralExpr(TemplateValue.From(raw.Replace("''", "'", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The index of the quote that closes the string at <see cref="Pos"/>. A doubled quote does not
    /// close it; in double-quoted strings neither does a backslash-escaped one. Velocity keeps
    /// backslashes as they are, so <c>"\\'"</c> is the regex that matches <c>\'</c>.
    /// </summary>
    private int FindClosingQuote(char quote)
    {
        for (var i = Pos + 1; i < Limit; i++)
        {
            var c = Source[i];
            if (c == '\\' && quote == '"')
            {
                i++;
            }
            else if (c == quote)
            {
                if (i + 1 < Limit && Source[i + 1] == quote)
                {
                    i++;
                    continue;
                }
                return i;
            }
        }
        throw Error("Unterminated string literal");
    }
}
