using System.Text;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Pipeline;

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
        var i = 0;
        while (i < uri.Length)
        {
            if (uri[i] == '$' && i + 1 < uri.Length && uri[i + 1] == '{')
            {
                var close = uri.IndexOf('}', i);
                const string Prefix = "stageVariables.";
                var name = close < 0 ? "" : uri[(i + 2)..close];
                if (close < 0 || !name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length == Prefix.Length)
                {
                    diagnostics.Error(location, $"integration uri '{uri}': '${{' must start ${{stageVariables.name}}.");
                    return new IntegrationUri(uri, []);
                }
                Flush(parts, literal);
                parts.Add(new Part(null, name[Prefix.Length..], null, null));
                i = close + 1;
                continue;
            }
            if (uri[i] == '{')
            {
                var close = uri.IndexOf('}', i);
                if (close < 0)
                {
                    diagnostics.Error(location, $"integration uri '{uri}': '{{' at {i} is not closed.");
                    return new IntegrationUri(uri, []);
                }
                var name = uri[(i + 1)..close];
                Flush(parts, literal);
                pathMappings.TryGetValue(name, out var source);
                parts.Add(new Part(null, null, name, source));
                i = close + 1;
                continue;
            }
            literal.Append(uri[i]);
            i++;
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
        var sb = new StringBuilder(Text.Length + 64);
        foreach (var part in _parts)
        {
            if (part.Literal is { } text)
            {
                sb.Append(text);
            }
            else if (part.StageVariable is { } variable)
            {
                var value = context.GetStageVariable(variable);
                if (value is null)
                {
                    failure = new($"stage variable '{variable}' is not defined on stage '{context.Stage?.StageName}'", false);
                    return null;
                }
                sb.Append(value);
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
        return UpstreamTarget.Create(sb.ToString(), out failure);
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
