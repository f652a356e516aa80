namespace Tollgate.Gateway.Paths;

/// <summary>
/// Dot-segments (<c>.</c> and <c>..</c>, RFC 3986 section 3.3) in every spelling a receiver might
/// honour. A path that reaches a backend with one in it can name a resource outside the
/// integration's prefix, because the backend (or a library on its way) resolves it.
/// </summary>
internal static class DotSegments
{
    /// <summary>
    /// True for a segment (text between two <c>/</c>) that is <c>.</c> or <c>..</c>, each dot
    /// written as <c>.</c> or <c>%2e</c> in either case: the spellings RFC 3986 normalisation and
    /// every common server resolve.
    /// </summary>
    public static bool IsDotSegment(ReadOnlySpan<char> segment, out bool twoDots)
    {
        twoDots = false;
        var dots = 0;
        var i = 0;
        while (i < segment.Length)
        {
            if (segment[i] == '.')
            {
                i++;
            }
            else if (PercentEncoding.ByteAt(segment, i) == '.')
            {
                i += 3;
            }
            else
            {
                return false;
            }
            if (++dots > 2)
            {
                return false;
            }
        }
        twoDots = dots == 2;
        return dots > 0;
    }

    /// <summary>
    /// True when the path holds a dot-segment in any spelling that some receiver reads as one,
    /// triplets decoded once: <c>/</c>, <c>\</c>, <c>%2F</c> and <c>%5C</c> all separate segments,
    /// a dot is <c>.</c> or <c>%2E</c>, and a segment's parameters (<c>;...</c>, raw or
    /// <c>%3B</c>, which servlet containers strip) do not count: <c>..;x</c> is <c>..</c>.
    /// Text encoded twice (<c>%252e</c>) is data, not a dot, at this level.
    /// </summary>
    public static bool ContainsAnySpelling(ReadOnlySpan<char> path)
    {
        var dots = 0;
        var other = false;
        var inParameters = false;
        var i = 0;
        while (true)
        {
            int unit;
            if (i >= path.Length)
            {
                unit = '/';
            }
            else if (path[i] == '%' && PercentEncoding.ByteAt(path, i) is var decoded and >= 0)
            {
                unit = decoded;
                i += 2;
            }
            else
            {
                unit = path[i];
            }
            if (unit is '/' or '\\')
            {
                if (!other && dots is 1 or 2)
                {
                    return true;
                }
                if (i >= path.Length)
                {
                    return false;
                }
                dots = 0;
                other = false;
                inParameters = false;
            }
            else if (inParameters)
            {
                // The parameters of a segment are not part of what a servlet container resolves.
            }
            else if (unit == ';')
            {
                inParameters = true;
            }
            else if (unit == '.')
            {
                dots++;
            }
            else
            {
                other = true;
            }
            i++;
        }
    }
}
