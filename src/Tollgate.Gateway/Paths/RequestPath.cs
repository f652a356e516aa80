using System.Buffers;
using System.Text;

namespace Tollgate.Gateway.Paths;

/// <summary>
/// The request path as the gateway routes it: the path the client sent, percent-encoded as sent,
/// with its dot-segments resolved (RFC 3986 section 5.2.4) before anything else looks at it, as
/// nginx and Envoy (<c>normalize_path</c>) do. Routing, policies and integrations then all see the
/// path that a backend would resolve, so <c>/prod/files/../orders/1</c> is the request to
/// <c>/prod/orders/1</c> it amounts to, with that route's protection, and no path parameter can
/// carry a dot-segment to a backend.
/// <para>
/// Refused (the caller answers 400): a malformed triplet (<c>%zz</c>, a lone <c>%</c>), bytes that
/// are not UTF-8 (overlong <c>%c0%ae</c>), a <c>..</c> that climbs above the root, and a raw
/// <c>#</c> (a fragment is never sent; one in the target is a client bug or an attack on a parser
/// that would cut the path there). Nothing else is decoded: <c>%2F</c> stays an encoded slash and
/// <c>%252e</c> stays data.
/// </para>
/// </summary>
internal static class RequestPath
{
    private static readonly SearchValues<char> Suspects = SearchValues.Create(".%#");

    /// <summary>Normalises a raw path (no query). False, with the reason, for a path to refuse.</summary>
    public static bool TryNormalize(string raw, out string path, out string? problem)
    {
        path = raw;
        problem = null;
        var span = raw.AsSpan();
        if (!span.ContainsAny(Suspects))
        {
            return true; // the common case: nothing to resolve or to check
        }
        if (span.Contains('#'))
        {
            problem = "the request target contains '#'";
            return false;
        }
        if (!PercentEncoding.DecodesToUtf8(span))
        {
            problem = "the path has a malformed percent-encoding or is not UTF-8";
            return false;
        }
        if (!HasDotSegment(span))
        {
            return true;
        }
        return Resolve(span, out path, out problem);
    }

    private static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            if (DotSegments.IsDotSegment(path[range], out _))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Resolve(ReadOnlySpan<char> raw, out string path, out string? problem)
    {
        path = "";
        problem = null;
        // The segments kept so far, as ranges of the raw text; the first (before the leading '/') is empty.
        var kept = new List<Range>(16);
        var segments = raw.Split('/');
        segments.MoveNext(); // the empty text before the leading '/'
        var endsInDirectory = false;
        while (segments.MoveNext())
        {
            var range = segments.Current;
            if (DotSegments.IsDotSegment(raw[range], out var twoDots))
            {
                if (twoDots)
                {
                    if (kept.Count == 0)
                    {
                        problem = "the path climbs above its root with '..'";
                        return false;
                    }
                    kept.RemoveAt(kept.Count - 1);
                }
                endsInDirectory = true;
                continue;
            }
            kept.Add(range);
            endsInDirectory = false;
        }
        var sb = new StringBuilder(raw.Length);
        foreach (var range in kept)
        {
            sb.Append('/').Append(raw[range]);
        }
        if (endsInDirectory || sb.Length == 0)
        {
            sb.Append('/');
        }
        path = sb.ToString();
        return true;
    }
}
