using System.Collections.Immutable;
using System.Text;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// A configured string with <c>${stageVariables.name}</c> placeholders (an integration URI, a
/// Lambda function ARN), parsed once when the config is compiled and rendered per request with
/// the stage's variables. Every place that reads such a string uses this type, so that all of
/// them agree on the syntax and on what an undefined variable gives.
/// </summary>
/// <remarks>
/// <para>Syntax: <c>${stageVariables.</c>, a name of letters, digits and <c>_</c> (AWS's rule for
/// stage variable names), <c>}</c>. Any other <c>${</c> is a config error at load.</para>
/// <para>An undefined variable renders as the empty string, as API Gateway substitutes it in
/// integration URIs and mapping templates alike (LocalStack, checked against AWS, does the same).
/// What the rendered text then means is for the caller to check as it checks any URI: an HTTP URI
/// left without a host is refused as a configuration error (500), naming the variable
/// (<see cref="Render(IReadOnlyDictionary{string, string}?, out string?)"/> reports it).</para>
/// </remarks>
internal sealed class StageVariableTemplate
{
    private const string Open = "${stageVariables.";

    private StageVariableTemplate(string text, ImmutableArray<Segment> segments, bool hasVariables)
    {
        Text = text;
        Segments = segments;
        HasVariables = hasVariables;
    }

    /// <summary>One piece of the text: literal text, or the name of a stage variable.</summary>
    internal readonly record struct Segment(string Text, bool IsVariable);

    /// <summary>The text as configured.</summary>
    public string Text { get; }

    /// <summary>The pieces, in order; adjacent literal text is one segment.</summary>
    public ImmutableArray<Segment> Segments { get; }

    /// <summary>True when at least one placeholder is in the text; false means rendering gives <see cref="Text"/>.</summary>
    public bool HasVariables { get; }

    /// <summary>The parsed text, or null with <paramref name="error"/> saying what is wrong (without naming the text).</summary>
    public static StageVariableTemplate? Parse(string text, out string? error)
    {
        error = null;
        var segments = ImmutableArray.CreateBuilder<Segment>();
        var literal = 0;
        var any = false;
        var i = 0;
        while ((i = text.IndexOf("${", i, StringComparison.Ordinal)) >= 0)
        {
            var close = text.IndexOf('}', i);
            if (!text.AsSpan(i).StartsWith(Open, StringComparison.Ordinal) || close < 0 || !IsName(text.AsSpan(i + Open.Length, close - i - Open.Length)))
            {
                error = "a placeholder starting '${' must be '${stageVariables.name}' with a name of letters, digits and '_'";
                return null;
            }
            if (i > literal)
            {
                segments.Add(new Segment(text[literal..i], false));
            }
            segments.Add(new Segment(text[(i + Open.Length)..close], true));
            any = true;
            i = literal = close + 1;
        }
        if (literal < text.Length)
        {
            segments.Add(new Segment(text[literal..], false));
        }
        return new StageVariableTemplate(text, segments.ToImmutable(), any);
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The text with each placeholder replaced by its variable's value; an undefined variable gives
    /// the empty string, and <paramref name="undefined"/> names the first such (else null) so that a
    /// caller whose result is then unusable can say why.
    /// </summary>
    public string Render(IReadOnlyDictionary<string, string>? variables, out string? undefined)
    {
        undefined = null;
        if (!HasVariables)
        {
            return Text;
        }
        var sb = new StringBuilder(Text.Length + 32);
        Append(sb, variables, ref undefined);
        return sb.ToString();
    }

    /// <summary>As <see cref="Render"/>, appending to <paramref name="sb"/>.</summary>
    public void Append(StringBuilder sb, IReadOnlyDictionary<string, string>? variables, ref string? undefined)
    {
        foreach (var segment in Segments)
        {
            if (!segment.IsVariable)
            {
                sb.Append(segment.Text);
            }
            else if (variables is not null && variables.TryGetValue(segment.Text, out var value))
            {
                sb.Append(value);
            }
            else
            {
                undefined ??= segment.Text;
            }
        }
    }

    /// <summary>The explanation added to a failure caused by an undefined variable.</summary>
    public static string UndefinedNote(string variable, string? stage) =>
        $"stage variable '{variable}' is not defined on stage '{stage}' and was rendered empty";
}
