using Microsoft.Net.Http.Headers;

namespace Tollgate.Gateway.Responses;

/// <summary>How API Gateway picks a template by content type, for requests and for responses.</summary>
internal static class TemplateSelection
{
    public const string Json = "application/json";

    /// <summary>
    /// Response templates: the first media type of the <c>Accept</c> header that has a template,
    /// else the <c>application/json</c> one, else the first. Null when there are none.
    /// </summary>
    public static (string ContentType, T Template)? ByAccept<T>(string accept, (string ContentType, T Template)[] templates)
    {
        if (templates.Length == 0)
        {
            return null;
        }
        if (accept.Length > 0 && MediaTypeHeaderValue.TryParseList(accept.Split(','), out var accepted))
        {
            foreach (var media in accepted)
            {
                foreach (var entry in templates)
                {
                    if (string.Equals(entry.ContentType, media.MediaType.Value, StringComparison.OrdinalIgnoreCase))
                    {
                        return entry;
                    }
                }
            }
        }
        foreach (var entry in templates)
        {
            if (string.Equals(entry.ContentType, Json, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }
        return templates[0];
    }

    /// <summary>
    /// Request templates: the one for the request's media type (parameters ignored; a missing
    /// Content-Type counts as <c>application/json</c>). Null when there is none for it.
    /// </summary>
    public static (string ContentType, T Template)? ByContentType<T>(string? contentType, (string ContentType, T Template)[] templates)
    {
        var media = Json;
        if (!string.IsNullOrEmpty(contentType) && MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue)
        {
            media = parsed.MediaType.Value!;
        }
        foreach (var entry in templates)
        {
            if (string.Equals(entry.ContentType, media, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }
        return null;
    }
}
