using System.Buffers.Text;
using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>The integration request a mapping produced: its payload, content type and the template's overrides.</summary>
internal sealed record MappedRequest(ReadOnlyMemory<byte> Body, string? ContentType, OverrideValues? Overrides, bool Templated)
{
    public static MappedRequest Empty { get; } = new(ReadOnlyMemory<byte>.Empty, null, null, false);
}

/// <summary>
/// The request side of a non-proxy integration (MOCK, HTTP, AWS), compiled once: request
/// templates chosen by Content-Type (missing means <c>application/json</c>), the passthrough
/// rule for types without one (415 where API Gateway gives it), and <c>contentHandling</c>.
/// </summary>
internal sealed class RequestMapping
{
    private readonly (string ContentType, VelocityTemplate Template)[] _templates;
    private readonly PassthroughBehavior _passthrough;
    private readonly ContentHandling? _contentHandling;
    private readonly ImmutableArray<string> _binaryMediaTypes;
    private readonly string _location;
    private readonly ILogger _logger;
    private readonly long _budgetBytes;

    private RequestMapping(
        (string, VelocityTemplate)[] templates, PassthroughBehavior passthrough, ContentHandling? contentHandling,
        ImmutableArray<string> binaryMediaTypes, string location, ILogger logger, long budgetBytes)
    {
        _budgetBytes = budgetBytes;
        _templates = templates;
        _passthrough = passthrough;
        _contentHandling = contentHandling;
        _binaryMediaTypes = binaryMediaTypes;
        _location = location;
        _logger = logger;
    }

    public bool HasTemplates => _templates.Length > 0;

    /// <summary>Compiles the templates; <c>budgetBytes</c> is what one render may materialise (<see cref="ServerSettings.MaxTemplateMemoryBytes"/>).</summary>
    public static RequestMapping Compile(Integration integration, Api api, string location, DiagnosticBag diagnostics, ILogger logger, long budgetBytes) =>
        new(MappingTemplates.Compile(integration.RequestTemplates, location, "request template", diagnostics),
            integration.PassthroughBehavior, integration.ContentHandling, api.BinaryMediaTypes, location, logger, budgetBytes);

    /// <summary>
    /// Maps the request: the chosen template rendered, or the body passed through, or 415
    /// <c>UNSUPPORTED_MEDIA_TYPE</c>. The body is read (once) only when something needs it.
    /// </summary>
    public async ValueTask<(MappedRequest? Request, GatewayError? Error)> MapAsync(RequestContext context, bool passthroughNeedsBody = true)
    {
        var contentType = context.Http.Request.ContentType;
        var chosen = TemplateSelection.ByContentType(contentType, _templates);
        if (chosen is null && Refuses())
        {
            return (null, GatewayError.Of(GatewayResponseType.UNSUPPORTED_MEDIA_TYPE));
        }
        if (chosen is null && !passthroughNeedsBody)
        {
            return (MappedRequest.Empty, null);
        }

        var (body, tooLarge) = await RequestBody.GetAsync(context);
        if (body is null)
        {
            return (null, tooLarge);
        }
        var binary = MediaTypes.IsBinary(_binaryMediaTypes, contentType);
        ReadOnlyMemory<byte> payload;
        string? payloadType;
        OverrideValues? overrides = null;
        if (chosen is { } entry)
        {
            // A binary payload reaches a template base64-encoded when CONVERT_TO_TEXT asks for it.
            var input = binary && _contentHandling == ContentHandling.ConvertToText ? Base64Utf8(body.Span) : body.Bytes;
            using var scope = new MappingScope(context, input, _budgetBytes);
            var rendered = MappingTemplates.Render(entry.Template, scope, context, _logger, _location, $"request template '{entry.ContentType}'");
            if (rendered is null)
            {
                return (null, MappingTemplates.RenderFailed);
            }
            payload = rendered;
            payloadType = entry.ContentType;
            overrides = scope.RequestOverrides();
            context.TemplateOverrides = scope.CarryOver();
        }
        else
        {
            payload = binary && _contentHandling == ContentHandling.ConvertToText
                ? Encoding.ASCII.GetBytes(Convert.ToBase64String(body.Span))
                : body.Bytes;
            payloadType = contentType;
        }

        if (_contentHandling == ContentHandling.ConvertToBinary && !binary)
        {
            if (!TryDecodeBase64(payload.Span, out var decoded))
            {
                context.IntegrationError = "CONVERT_TO_BINARY: the payload is not base64";
                _logger.LogError("{RequestId} {Location}: contentHandling CONVERT_TO_BINARY, but the payload is not base64.", context.RequestId, _location);
                return (null, GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR));
            }
            payload = decoded;
        }
        return (new MappedRequest(payload, payloadType, overrides, chosen is not null), null);
    }

    private bool Refuses() => _passthrough switch
    {
        PassthroughBehavior.Never => true,
        PassthroughBehavior.WhenNoTemplates => _templates.Length > 0,
        _ => false,
    };

    private static byte[] Base64Utf8(ReadOnlySpan<byte> data)
    {
        var encoded = new byte[Base64.GetMaxEncodedToUtf8Length(data.Length)];
        Base64.EncodeToUtf8(data, encoded, out _, out var written);
        return written == encoded.Length ? encoded : encoded[..written];
    }

    internal static bool TryDecodeBase64(ReadOnlySpan<byte> text, out byte[] decoded)
    {
        var chars = Encoding.ASCII.GetString(text).Trim();
        decoded = new byte[chars.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(chars, decoded, out var written))
        {
            Array.Resize(ref decoded, written);
            return true;
        }
        decoded = [];
        return false;
    }
}
