using System.Text;
using Tollgate.Gateway.Paths;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// Why an upstream target could not be made: a configuration that does not give an http(s) URL
/// (<paramref name="ByClient"/> false), or a request whose values would put a dot-segment into the
/// backend's path (true). The integrations answer it (<c>Integrations.ForwarderErrors.Report</c>).
/// </summary>
internal sealed record TargetFailure(string Message, bool ByClient);

/// <summary>
/// Makes the URI a request is sent to from the text an integration composed. The request target
/// is ours to compose, byte for byte: <see cref="Uri"/> parses only the scheme and authority and
/// never touches the path or query (no decoding of <c>%2e</c>, no <c>\</c> turned into <c>/</c>,
/// no dot-segments removed), so the backend receives exactly what is checked here. Characters a
/// target may not carry are percent-encoded; a path with a dot-segment in any spelling a backend
/// might honour (<see cref="DotSegments.ContainsAnySpelling"/>) is refused, so no value a client
/// controls can reach a path outside the integration URI's prefix.
/// </summary>
internal static class UpstreamTarget
{
    private static readonly UriCreationOptions Raw = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public static Uri? Create(string text, out TargetFailure? failure)
    {
        failure = null;
        var scheme = text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7
            : text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8
            : -1;
        if (scheme < 0)
        {
            failure = new($"'{text}' is not an absolute http or https URI", false);
            return null;
        }
        var authorityEnd = text.AsSpan(scheme).IndexOfAny('/', '?', '#');
        authorityEnd = authorityEnd < 0 ? text.Length : scheme + authorityEnd;
        var authority = text.AsSpan(scheme, authorityEnd - scheme);
        if (authority.IsEmpty || authority.ContainsAny('@', '\\') || authority.ContainsAnyInRange('\0', ' '))
        {
            failure = new($"'{text}' does not name a host as an http or https URI must", false);
            return null;
        }
        var rest = text.AsSpan(authorityEnd);
        string composed;
        if (rest.Length > 0 && rest[0] == '/' && PercentEncoding.IsCanonicalTarget(rest))
        {
            composed = text;
        }
        else
        {
            var sb = new StringBuilder(text.Length + 16).Append(text.AsSpan(0, authorityEnd));
            if (rest.IsEmpty || rest[0] != '/')
            {
                sb.Append('/');
            }
            PercentEncoding.AppendTarget(sb, rest);
            composed = sb.ToString();
        }
        var target = composed.AsSpan(authorityEnd);
        var query = target.IndexOf('?');
        if (DotSegments.ContainsAnySpelling(query < 0 ? target : target[..query]))
        {
            failure = new("the path to the backend would contain a dot-segment", true);
            return null;
        }
        if (!Uri.TryCreate(composed, Raw, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            failure = new($"'{text}' is not an absolute http or https URI", false);
            return null;
        }
        return uri;
    }

    /// <summary>
    /// A target that <see cref="Create"/> made, with query parameters appended to its text: the
    /// path is the one already checked, the added text is encoded as a target must be.
    /// </summary>
    public static Uri WithQuery(string text) =>
        Create(text, out var failure) ?? throw new InvalidOperationException(failure!.Message);
}
