using System.Text;

namespace Tollgate.Gateway.Templates.Engine;

/// <summary>
/// A host object a template can read properties of and call methods on, such as <c>$input</c>
/// or <c>$util</c>. Implementations signal a runtime failure (the Java exception Velocity would
/// surface) by throwing <see cref="TemplateRuntimeException"/>; the renderer turns it into an
/// error result.
/// </summary>
internal interface ITemplateObject
{
    /// <summary>Reads <c>$obj.name</c>. Returns false when there is no such property.</summary>
    bool TryGetProperty(string name, out TemplateValue value);

    /// <summary>Calls <c>$obj.name(args)</c>. Returns false when there is no such method.</summary>
    bool TryInvoke(string name, ReadOnlySpan<TemplateValue> args, out TemplateValue result);

    /// <summary>Writes what <c>$obj</c> renders as (Java <c>toString()</c>).</summary>
    void WriteTo(StringBuilder output);
}

/// <summary>
/// The root variables of one render (<c>$input</c>, <c>$util</c>, <c>$context</c>,
/// <c>$stageVariables</c>). Read at most once per name per render, on first use.
/// </summary>
internal interface ITemplateScope
{
    bool TryGetRoot(string name, out TemplateValue value);

    /// <summary>The memory budget of the render; the host objects of the scope charge what they materialise to it.</summary>
    RenderBudget Budget { get; }
}

/// <summary>A failure while rendering, reported as an error result rather than thrown out of Render.</summary>
internal sealed class TemplateRuntimeException : Exception
{
    public TemplateRuntimeException(string message)
        : base(message)
    {
    }

    public TemplateRuntimeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TemplateRuntimeException()
    {
    }
}
