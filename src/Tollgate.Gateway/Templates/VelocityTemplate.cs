using System.Text;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Templates;

/// <summary>How a reference whose value is null (or undefined) renders.</summary>
internal enum NullReferenceRendering
{
    /// <summary>As written, <c>$foo</c> stays <c>$foo</c> (Apache Velocity). Quiet <c>$!foo</c> renders nothing.</summary>
    SourceText,

    /// <summary>As nothing, whatever the form.</summary>
    Empty,
}

/// <summary>A syntax error in a template, 1-based line and column.</summary>
internal sealed record TemplateError(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}

/// <summary>The outcome of <see cref="VelocityTemplate.Parse"/>: a template, or the errors that stopped it.</summary>
internal sealed record TemplateParseResult(VelocityTemplate? Template, IReadOnlyList<TemplateError> Errors)
{
    public bool Success => Template is not null;
}

/// <summary>The outcome of a render: success, or the message of the runtime failure.</summary>
internal readonly record struct RenderResult(string? Error)
{
    public static RenderResult Ok => default;

    public bool Success => Error is null;
}

/// <summary>
/// A Velocity (VTL) template in API Gateway's dialect. Parsed once when the configuration is
/// compiled; rendering walks the tree and is safe to run from many threads at once.
/// </summary>
internal sealed class VelocityTemplate
{
    /// <summary>Starts the message of a failure that is a defect of the engine rather than of the template.</summary>
    public const string InternalErrorPrefix = "Internal template engine error: ";

    private readonly TemplateNode[] _nodes;
    private readonly string[] _slotNames;
    private readonly bool _nullAsEmpty;

    private VelocityTemplate(TemplateNode[] nodes, string[] slotNames, bool nullAsEmpty)
    {
        _nodes = nodes;
        _slotNames = slotNames;
        _nullAsEmpty = nullAsEmpty;
    }

    /// <summary>Parses a template. Never throws: syntax errors come back with their line and column.</summary>
    public static TemplateParseResult Parse(string text, NullReferenceRendering nullRendering = NullReferenceRendering.SourceText)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scanner = new TemplateScanner(text);
        try
        {
            var nodes = TemplateParser.Parse(scanner);
            return new TemplateParseResult(new VelocityTemplate(nodes, scanner.SlotNames, nullRendering == NullReferenceRendering.Empty), []);
        }
        catch (TemplateSyntaxException e)
        {
            var (line, column) = LineAndColumn(text, e.Position);
            return new TemplateParseResult(null, [new TemplateError(line, column, e.Message)]);
        }
    }

    /// <summary>
    /// Renders the template, appending to <paramref name="output"/>. Never throws: a runtime
    /// failure (a Java exception in AWS, such as <c>substring</c> out of range) returns an error
    /// result and the output holds what was rendered before it.
    /// </summary>
    public RenderResult Render(ITemplateScope scope, StringBuilder output)
    {
        var renderer = new TemplateRenderer(_slotNames, scope, output, _nullAsEmpty);
        try
        {
            TemplateNode.RenderBlock(_nodes, renderer);
            return RenderResult.Ok;
        }
        catch (TemplateRuntimeException e)
        {
            return new RenderResult(e.Message);
        }
        catch (Exception e)
        {
            // Not expected: a defect of the engine. The request still gets a clean 500.
            return new RenderResult(InternalErrorPrefix + e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Renders to a new string; null with the error in <paramref name="error"/> on failure.</summary>
    public string? RenderToString(ITemplateScope scope, out string? error)
    {
        var sb = new StringBuilder();
        var result = Render(scope, sb);
        error = result.Error;
        return result.Success ? sb.ToString() : null;
    }

    private static (int Line, int Column) LineAndColumn(string text, int position)
    {
        position = Math.Clamp(position, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, position - lineStart + 1);
    }
}
