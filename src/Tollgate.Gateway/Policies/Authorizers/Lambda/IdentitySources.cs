using Tollgate.Gateway.Integrations.HttpApi;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>
/// The compiled identity sources of a Lambda authorizer (<c>identitySource</c>, comma separated):
/// REST <c>method.request.header.X</c>, <c>method.request.querystring.X</c>, <c>stageVariables.X</c>
/// and <c>context.X</c>; HTTP APIs <c>$request.header.X</c>, <c>$request.querystring.X</c>,
/// <c>$stageVariables.X</c> and <c>$context.X</c>. Their values form the result cache key; a
/// missing or empty one means 401 without calling the function.
/// </summary>
internal sealed class IdentitySources
{
    private const char Separator = '\u001f';

    private static readonly string[] HttpApiPrefixes = ["$request.header.", "$request.querystring.", "$stageVariables.", "$context."];

    private readonly Func<RequestContext, string?>[] _sources;

    private IdentitySources(Func<RequestContext, string?>[] sources, string? tokenHeader)
    {
        _sources = sources;
        TokenHeader = tokenHeader;
    }

    public int Count => _sources.Length;

    /// <summary>The header that carries a TOKEN authorizer's token.</summary>
    public string? TokenHeader { get; }

    /// <summary>
    /// Parses <paramref name="identitySource"/>. A TOKEN authorizer takes exactly one header
    /// (default <c>Authorization</c>); a REQUEST authorizer any number of the four kinds.
    /// </summary>
    public static IdentitySources? Compile(string? identitySource, bool token, string location, DiagnosticBag diagnostics)
    {
        var parts = (identitySource ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (token)
        {
            const string Header = "method.request.header.";
            if (parts.Length == 0)
            {
                parts = [Header + "Authorization"];
            }
            if (parts.Length != 1 || !parts[0].StartsWith(Header, StringComparison.Ordinal) || parts[0].Length == Header.Length)
            {
                diagnostics.Error(location, $"a TOKEN authorizer's identitySource must be one method.request.header.Name, not '{identitySource}'.");
                return null;
            }
            var header = parts[0][Header.Length..];
            return new IdentitySources([ParameterSource.Parse(parts[0], out _)!.Resolve], header);
        }
        var sources = new List<Func<RequestContext, string?>>(parts.Length);
        var ok = true;
        foreach (var part in parts)
        {
            var known = part.StartsWith("method.request.header.", StringComparison.Ordinal)
                || part.StartsWith("method.request.querystring.", StringComparison.Ordinal)
                || part.StartsWith("stageVariables.", StringComparison.Ordinal)
                || part.StartsWith("context.", StringComparison.Ordinal);
            if (!known || ParameterSource.Parse(part, out _) is not { } source)
            {
                diagnostics.Error(location, $"identity source '{part}' is not method.request.header.X, method.request.querystring.X, stageVariables.X or context.X.");
                ok = false;
                continue;
            }
            sources.Add(source.Resolve);
        }
        return ok ? new IdentitySources([.. sources], null) : null;
    }

    /// <summary>
    /// Parses an HTTP API authorizer's <paramref name="identitySource"/>: any number of
    /// <c>$request.header.X</c> (header names case-insensitive, repeated values joined with commas),
    /// <c>$request.querystring.X</c> (case-sensitive), <c>$stageVariables.X</c> and <c>$context.X</c>.
    /// </summary>
    public static IdentitySources? CompileHttpApi(string? identitySource, string location, DiagnosticBag diagnostics)
    {
        var parts = (identitySource ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sources = new List<Func<RequestContext, string?>>(parts.Length);
        var ok = true;
        foreach (var part in parts)
        {
            var known = Array.Exists(HttpApiPrefixes, p => part.StartsWith(p, StringComparison.Ordinal) && part.Length > p.Length)
                && part.IndexOf('$', 1) < 0;
            if (!known || MappingValue.Parse(part, out _) is not { } value)
            {
                diagnostics.Error(location, $"identity source '{part}' is not $request.header.X, $request.querystring.X, $stageVariables.X or $context.X.");
                ok = false;
                continue;
            }
            sources.Add(context => value.Resolve(context));
        }
        return ok ? new IdentitySources([.. sources], null) : null;
    }

    /// <summary>The separate values of a key made by <see cref="TryGetKey"/>.</summary>
    public string[] Values(string key) => _sources.Length switch
    {
        0 => [],
        1 => [key],
        _ => key.Split(Separator),
    };

    /// <summary>The values joined into a cache key; false when any is missing or empty.</summary>
    public bool TryGetKey(RequestContext context, out string key)
    {
        key = "";
        if (_sources.Length == 1)
        {
            var only = _sources[0](context);
            if (string.IsNullOrEmpty(only))
            {
                return false;
            }
            key = only;
            return true;
        }
        var values = new string[_sources.Length];
        for (var i = 0; i < _sources.Length; i++)
        {
            var value = _sources[i](context);
            if (string.IsNullOrEmpty(value))
            {
                return false;
            }
            values[i] = value;
        }
        key = string.Join(Separator, values);
        return true;
    }
}
