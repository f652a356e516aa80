using System.Text;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// An integration endpoint URI compiled into parts: literal text, <c>{name}</c> placeholders filled
/// from <c>integration.request.path.name</c> mappings (or the method's path parameter of that
/// name), and <c>${stageVariables.name}</c>. Path values keep the encoding the client sent; a
/// greedy value keeps its slashes. A request template's <c>$context.requestOverride.path.name</c>
/// wins over both (URL-encoded, as a mapped value is).
/// </summary>
internal sealed class IntegrationUri
{
    private readonly Part[] _parts;

    private IntegrationUri(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    private readonly record struct Part(string? Literal, string? StageVariable, string? PathName, ParameterSource? Source);

    public static IntegrationUri Compile(string uri, IReadOnlyDictionary<string, ParameterSource> pathMappings, string location, DiagnosticBag diagnostics)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        if (StageVariableTemplate.Parse(uri, out var syntax) is not { } template)
        {
            diagnostics.Error(location, $"integration uri '{uri}': {syntax}.");
            return new IntegrationUri(uri, []);
        }
        foreach (var segment in template.Segments)
        {
            if (segment.IsVariable)
            {
                Flush(parts, literal);
                parts.Add(new Part(null, segment.Text, null, null));
                continue;
            }
            var text = segment.Text;
            var i = 0;
            while (i < text.Length)
            {
                if (text[i] == '{')
                {
                    var close = text.IndexOf('}', i);
                    if (close < 0)
                    {
                        diagnostics.Error(location, $"integration uri '{uri}': '{{' is not closed.");
                        return new IntegrationUri(uri, []);
                    }
                    var name = text[(i + 1)..close];
                    Flush(parts, literal);
                    pathMappings.TryGetValue(name, out var source);
                    parts.Add(new Part(null, null, name, source));
                    i = close + 1;
                    continue;
                }
                literal.Append(text[i]);
                i++;
            }
        }
        Flush(parts, literal);
        if (HasLiteralDotSegment(parts))
        {
            diagnostics.Error(location, $"integration uri '{uri}': its path has a dot-segment ('.' or '..'); write the path it resolves to.");
        }
        return new IntegrationUri(uri, [.. parts]);
    }

    /// <summary>
    /// True when the path written in the URI itself (placeholders aside) has a dot-segment: every
    /// request would be refused by <see cref="UpstreamTarget.Create"/>, so it is a config error.
    /// </summary>
    private static bool HasLiteralDotSegment(List<Part> parts)
    {
        var probe = new StringBuilder();
        foreach (var part in parts)
        {
            probe.Append(part.Literal ?? "x");
        }
        var text = probe.ToString();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var path = scheme < 0 ? -1 : text.IndexOf('/', scheme + 3);
        if (path < 0)
        {
            return false;
        }
        var query = text.IndexOf('?', path);
        return Paths.DotSegments.ContainsAnySpelling(text.AsSpan(path, (query < 0 ? text.Length : query) - path));
    }

    private static void Flush(List<Part> parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null, null, null));
            literal.Clear();
        }
    }

    /// <summary>The URI for this request; null with the reason when it cannot be built.</summary>
    public Uri? Build(RequestContext context, out TargetFailure? failure) => Build(context, null, out failure);

    /// <summary>
    /// As <see cref="Build(RequestContext, out TargetFailure?)"/>, with <c>requestOverride.path</c>
    /// values set by a request template. The result goes through <see cref="UpstreamTarget.Create"/>:
    /// what is composed here is what the backend receives, and no value can add a dot-segment.
    /// </summary>
    public Uri? Build(RequestContext context, List<KeyValuePair<string, string>>? pathOverrides, out TargetFailure? failure)
    {
        failure = null;
        string? undefined = null;
        var sb = new StringBuilder(Text.Length + 64);
        foreach (var part in _parts)
        {
            if (part.Literal is { } text)
            {
                sb.Append(text);
            }
            else if (part.StageVariable is { } variable)
            {
                // StageVariableTemplate's rule: an undefined variable renders empty; the URI is then
                // checked as any other, and a failure names the variable.
                if (context.GetStageVariable(variable) is { } value)
                {
                    sb.Append(value);
                }
                else
                {
                    undefined ??= variable;
                }
            }
            else if (part.PathName is { } name)
            {
                var value = Override(pathOverrides, name) is { } overridden
                    ? Uri.EscapeDataString(overridden)
                    : part.Source is { PathParameterName: { } pathName }
                    ? context.GetRawPathParameter(pathName)
                    : part.Source is { } source
                        ? source.Resolve(context) is { } resolved ? Uri.EscapeDataString(resolved) : null
                        : context.GetRawPathParameter(name);
                if (value is null)
                {
                    failure = new($"no value for '{{{name}}}'", false);
                    return null;
                }
                sb.Append(value);
            }
        }
        var target = UpstreamTarget.Create(sb.ToString(), out failure);
        if (failure is not null && undefined is not null)
        {
            failure = failure with { Message = failure.Message + "; " + StageVariableTemplate.UndefinedNote(undefined, context.Stage?.StageName) };
        }
        return target;
    }

    private static string? Override(List<KeyValuePair<string, string>>? overrides, string name)
    {
        if (overrides is null)
        {
            return null;
        }
        // {proxy+} in the URI is overridden by requestOverride.path.proxy.
        var bare = name.EndsWith('+') ? name[..^1] : name;
        string? found = null;
        foreach (var (key, value) in overrides)
        {
            if (key == name || key == bare)
            {
                found = value;
            }
        }
        return found;
    }
}
