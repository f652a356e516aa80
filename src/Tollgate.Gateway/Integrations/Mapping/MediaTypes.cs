using System.Collections.Immutable;
using Microsoft.Net.Http.Headers;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>Media type tests against an API's binary media types (<c>x-amazon-apigateway-binary-media-types</c>).</summary>
internal static class MediaTypes
{
    /// <summary>
    /// Whether <paramref name="contentType"/> (parameters ignored) is one of the binary media
    /// types; <c>*/*</c> matches everything, <c>image/*</c> every image type.
    /// </summary>
    public static bool IsBinary(ImmutableArray<string> binaryMediaTypes, string? contentType)
    {
        if (binaryMediaTypes.IsDefaultOrEmpty || string.IsNullOrEmpty(contentType))
        {
            return false;
        }
        var media = contentType;
        if (MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue)
        {
            media = parsed.MediaType.Value!;
        }
        foreach (var binary in binaryMediaTypes)
        {
            if (binary == "*/*" || string.Equals(binary, media, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (binary.EndsWith("/*", StringComparison.Ordinal)
                && media.StartsWith(binary.AsSpan(0, binary.Length - 1), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The first media type of an <c>Accept</c> header (API Gateway honours only the first); null when there is none.</summary>
    public static string? FirstAccepted(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return null;
        }
        var comma = accept.IndexOf(',', StringComparison.Ordinal);
        var first = (comma < 0 ? accept : accept[..comma]).Trim();
        var semicolon = first.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? first : first[..semicolon].Trim();
    }
}

/// <summary>Which payloads HTTP APIs pass to Lambda as text rather than base64.</summary>
internal static class TextMediaTypes
{
    /// <summary>text/*, JSON, XML and JavaScript types (with their <c>+json</c> / <c>+xml</c> suffixes).</summary>
    public static bool IsText(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }
        var media = contentType;
        var semicolon = media.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }
        media = media.Trim();
        return media.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("/xml", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("/javascript", StringComparison.OrdinalIgnoreCase);
    }
}
