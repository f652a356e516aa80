using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// Compiles mapping templates once per snapshot and renders them per request. A syntax error is
/// a config error naming the API, method, content type, line and column; a failure while
/// rendering is a 500 <c>{"message": "Internal server error"}</c> and a log line, never a crash.
/// </summary>
internal static class MappingTemplates
{
    /// <summary>
    /// Parses templates keyed by content type, in a stable order. Undefined references render as
    /// nothing, as in API Gateway. Templates with syntax errors are reported and left out.
    /// </summary>
    public static (string ContentType, VelocityTemplate Template)[] Compile(
        IReadOnlyDictionary<string, string> templates, string location, string kind, DiagnosticBag diagnostics)
    {
        if (templates.Count == 0)
        {
            return [];
        }
        var keys = new List<string>(templates.Keys);
        keys.Sort(StringComparer.Ordinal);
        var result = new List<(string, VelocityTemplate)>(keys.Count);
        foreach (var contentType in keys)
        {
            var parsed = VelocityTemplate.Parse(templates[contentType], NullReferenceRendering.Empty);
            if (parsed.Template is { } template)
            {
                result.Add((contentType, template));
                continue;
            }
            foreach (var error in parsed.Errors)
            {
                diagnostics.Error($"{location}, {kind} '{contentType}'", error.ToString() + ".");
            }
        }
        return [.. result];
    }

    /// <summary>
    /// Renders a template to UTF-8; null after logging when it fails at run time, over its
    /// budget included. The output is encoded from the builder's chunks, never made a string.
    /// </summary>
    public static byte[]? Render(VelocityTemplate template, MappingScope scope, RequestContext context, ILogger logger, string location, string kind)
    {
        var output = new StringBuilder(256);
        var result = template.Render(scope, output);
        if (result.Success)
        {
            return ToUtf8(output);
        }
        context.IntegrationError = $"{kind} failed: {result.Error}";
        logger.LogError("{RequestId} {Location}: the {Kind} failed: {Error}", context.RequestId, location, kind, result.Error);
        return null;
    }

    /// <summary>UTF-8 of the builder's text in an array of the exact size, a surrogate pair split across chunks included.</summary>
    internal static byte[] ToUtf8(StringBuilder text)
    {
        var encoder = Encoding.UTF8.GetEncoder();
        Span<byte> scratch = stackalloc byte[1024];
        var length = 0L;
        foreach (var chunk in text.GetChunks())
        {
            var chars = chunk.Span;
            while (!chars.IsEmpty)
            {
                encoder.Convert(chars, scratch, flush: false, out var used, out var written, out _);
                length += written;
                chars = chars[used..];
            }
        }
        encoder.Convert([], scratch, flush: true, out _, out var last, out _);
        length += last;
        encoder.Reset();
        var bytes = new byte[length];
        var at = 0;
        foreach (var chunk in text.GetChunks())
        {
            encoder.Convert(chunk.Span, bytes.AsSpan(at), flush: false, out _, out var written, out _);
            at += written;
        }
        encoder.Convert([], bytes.AsSpan(at), flush: true, out _, out _, out _);
        return bytes;
    }

    /// <summary>The failure a request gets when a template cannot be rendered (API Gateway: 500 Internal server error).</summary>
    public static GatewayError RenderFailed => GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
}
