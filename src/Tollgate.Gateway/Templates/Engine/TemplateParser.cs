namespace Tollgate.Gateway.Templates.Engine;

/// <summary>Turns the lexer's items into a tree of nodes, applying Velocity's whitespace rule.</summary>
internal static class TemplateParser
{
    private const int MaxBlockDepth = 100;

    public static TemplateNode[] Parse(TemplateScanner scanner)
    {
        var items = TemplateLexer.Read(scanner);
        return BuildTree(scanner, RemoveDirectiveLines(items));
    }

    /// <summary>
    /// A line that holds only directives and comments (and whitespace) produces no output: its
    /// leading whitespace and its newline are dropped, as API Gateway's Velocity does.
    /// </summary>
    private static List<LexItem> RemoveDirectiveLines(List<LexItem> items)
    {
        var pieces = new List<LexItem>(items.Count + 8);
        foreach (var item in items)
        {
            if (item.Kind != LexKind.Text)
            {
                pieces.Add(item);
                continue;
            }
            var text = item.Text;
            var start = 0;
            while (start < text.Length)
            {
                var eol = text.IndexOf('\n', start);
                var end = eol < 0 ? text.Length : eol + 1;
                pieces.Add(new LexItem(LexKind.Text, item.Position + start) { Text = text[start..end] });
                start = end;
            }
        }
        var result = new List<LexItem>(pieces.Count);
        var lineStart = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            var endsLine = piece.EndsLine || (piece.Kind == LexKind.Text && piece.Text.EndsWith('\n'));
            if (endsLine || i == pieces.Count - 1)
            {
                AddLine(pieces, lineStart, i + 1, result);
                lineStart = i + 1;
            }
        }
        return result;
    }

    private static void AddLine(List<LexItem> pieces, int start, int end, List<LexItem> result)
    {
        var directives = 0;
        var blank = true;
        for (var i = start; i < end && blank; i++)
        {
            var piece = pieces[i];
            switch (piece.Kind)
            {
                case LexKind.Text:
                    blank = string.IsNullOrWhiteSpace(piece.Text);
                    break;
                case LexKind.Reference:
                    blank = false;
                    break;
                default:
                    directives++;
                    break;
            }
        }
        var drop = blank && directives > 0;
        for (var i = start; i < end; i++)
        {
            if (!(drop && pieces[i].Kind == LexKind.Text))
            {
                result.Add(pieces[i]);
            }
        }
    }

    private sealed class Frame(LexItem opener)
    {
        public LexItem Opener { get; } = opener;

        public List<TemplateNode> Nodes { get; set; } = [];

        public List<TemplateExpr> Conditions { get; } = [];

        public List<TemplateNode[]> Branches { get; } = [];

        public bool InElse { get; set; }
    }

    private static TemplateNode[] BuildTree(TemplateScanner scanner, List<LexItem> items)
    {
        var root = new Frame(new LexItem(LexKind.Text, 0));
        var stack = new Stack<Frame>();
        stack.Push(root);
        var text = new System.Text.StringBuilder();
        void FlushText()
        {
            if (text.Length > 0)
            {
                stack.Peek().Nodes.Add(new TextNode(text.ToString()));
                text.Clear();
            }
        }
        foreach (var item in items)
        {
            if (item.Kind == LexKind.Text)
            {
                text.Append(item.Text);
                continue;
            }
            FlushText();
            var frame = stack.Peek();
            if (stack.Count > MaxBlockDepth)
            {
                throw scanner.Error($"Blocks are nested more than {MaxBlockDepth} deep", item.Position);
            }
            switch (item.Kind)
            {
                case LexKind.Reference:
                    frame.Nodes.Add(new ReferenceNode(item.Reference!));
                    break;
                case LexKind.Set:
                    frame.Nodes.Add(new SetNode(item.Reference!, item.Expression!));
                    break;
                case LexKind.Break:
                    frame.Nodes.Add(BreakNode.Instance);
                    break;
                case LexKind.Stop:
                    frame.Nodes.Add(StopNode.Instance);
                    break;
                case LexKind.If:
                    var ifFrame = new Frame(item);
                    ifFrame.Conditions.Add(item.Expression!);
                    stack.Push(ifFrame);
                    break;
                case LexKind.Foreach:
                case LexKind.Define:
                    stack.Push(new Frame(item));
                    break;
                case LexKind.ElseIf:
                case LexKind.Else:
                    var name = item.Kind == LexKind.Else ? "#else" : "#elseif";
                    if (frame.Opener.Kind != LexKind.If)
                    {
                        throw scanner.Error($"{name} without a matching #if", item.Position);
                    }
                    if (frame.InElse)
                    {
                        throw scanner.Error($"{name} after #else", item.Position);
                    }
                    frame.Branches.Add([.. frame.Nodes]);
                    frame.Nodes = [];
                    if (item.Kind == LexKind.ElseIf)
                    {
                        frame.Conditions.Add(item.Expression!);
                    }
                    else
                    {
                        frame.InElse = true;
                    }
                    break;
                case LexKind.End:
                    if (stack.Count == 1)
                    {
                        throw scanner.Error("#end without a matching #if, #foreach or #define", item.Position);
                    }
                    stack.Pop();
                    stack.Peek().Nodes.Add(Close(scanner, frame));
                    break;
            }
        }
        FlushText();
        if (stack.Count > 1)
        {
            var open = stack.Peek().Opener;
            throw scanner.Error($"#{open.Kind.ToString().ToLowerInvariant()} is not closed with #end", open.Position);
        }
        return [.. root.Nodes];
    }

    private static TemplateNode Close(TemplateScanner scanner, Frame frame)
    {
        var body = frame.Nodes.ToArray();
        var opener = frame.Opener;
        switch (opener.Kind)
        {
            case LexKind.If:
                if (frame.InElse)
                {
                    return new IfNode([.. frame.Conditions], [.. frame.Branches], body);
                }
                frame.Branches.Add(body);
                return new IfNode([.. frame.Conditions], [.. frame.Branches], null);
            case LexKind.Foreach:
                return new ForeachNode(
                    opener.Reference!.Slot,
                    scanner.Slot("foreach"),
                    scanner.Slot("velocityCount"),
                    opener.Expression!,
                    body);
            default:
                return new DefineNode(opener.Reference!.Slot, body);
        }
    }
}
