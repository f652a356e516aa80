using System.Text;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Responses;

/// <summary>
/// Renders gateway responses for one API: its customisations of
/// <c>x-amazon-apigateway-gateway-responses</c> over API Gateway's defaults, with DEFAULT_4XX
/// and DEFAULT_5XX as fallbacks. The one component that writes a failed request's response.
/// </summary>
internal sealed class GatewayResponseRenderer : IGatewayResponder
{
    public const string DefaultTemplate = "{\"message\":$context.error.messageString}";
    private const string Json = "application/json";

    private static readonly ReferenceTemplate DefaultCompiled = ReferenceTemplate.Parse(DefaultTemplate);

    private readonly Custom?[] _custom;
    private readonly bool _httpApi;

    private GatewayResponseRenderer(Custom?[] custom, bool httpApi = false)
    {
        _custom = custom;
        _httpApi = httpApi;
    }

    /// <summary>The renderer with no customisation, used when no API is known (e.g. an unknown host and stage).</summary>
    public static GatewayResponseRenderer Default { get; } = new(new Custom?[Enum.GetValues<GatewayResponseType>().Length]);

    private sealed record Custom(int? StatusCode, (string Header, ParameterSource Source)[] Headers, (string ContentType, ReferenceTemplate Template)[] Templates);

    public static GatewayResponseRenderer Compile(Api api, string location, DiagnosticBag diagnostics)
    {
        if (!Pipeline.ApiProfile.For(api.Protocol).CustomGatewayResponses)
        {
            // HTTP APIs have no gateway responses to customise (HttpApiErrors).
            return new GatewayResponseRenderer([], httpApi: true);
        }
        var custom = new Custom?[Enum.GetValues<GatewayResponseType>().Length];
        foreach (var (type, response) in api.GatewayResponses)
        {
            var where = $"{location}, gateway response {type}";
            var headers = new List<(string, ParameterSource)>();
            foreach (var (target, expression) in response.ResponseParameters)
            {
                const string Prefix = "gatewayresponse.header.";
                if (!target.StartsWith(Prefix, StringComparison.Ordinal) || target.Length == Prefix.Length)
                {
                    diagnostics.Error(where, $"response parameter '{target}' must be gatewayresponse.header.Name.");
                    continue;
                }
                var source = ParameterSource.Parse(expression, out var error);
                if (source is null)
                {
                    diagnostics.Error(where, $"response parameter '{target}': {error}.");
                    continue;
                }
                headers.Add((target[Prefix.Length..], source));
            }
            var templates = new List<(string, ReferenceTemplate)>();
            foreach (var (contentType, text) in response.ResponseTemplates)
            {
                templates.Add((contentType, ReferenceTemplate.Parse(text)));
            }
            if (response.StatusCode is { } status && (status < 100 || status > 599))
            {
                diagnostics.Error(where, $"status code {status} is not between 100 and 599.");
            }
            custom[(int)type] = new Custom(response.StatusCode, [.. headers], [.. templates]);
        }
        return new GatewayResponseRenderer(custom);
    }

    /// <summary>Writes the response for <see cref="RequestContext.Error"/>. The response must not have started.</summary>
    public Task WriteAsync(RequestContext context)
    {
        if (_httpApi)
        {
            return HttpApiErrors.WriteAsync(context);
        }
        var error = context.Error ?? GatewayError.Of(GatewayResponseType.DEFAULT_5XX);
        var own = _custom[(int)error.Type];
        var fallbackType = GatewayResponseCatalog.Fallback(error.Type);
        var fallback = fallbackType is { } f ? _custom[(int)f] : null;
        var entry = GatewayResponseCatalog.Get(error.Type);

        var response = context.Http.Response;
        response.StatusCode = own?.StatusCode ?? fallback?.StatusCode ?? error.StatusCode ?? entry.StatusCode;
        var headers = response.Headers;
        headers["x-amzn-ErrorType"] = error.ErrorType ?? entry.ErrorType;

        var governing = own ?? fallback;
        if (governing is not null)
        {
            foreach (var (name, source) in governing.Headers)
            {
                if (source.Resolve(context) is { } value)
                {
                    headers[name] = value;
                }
            }
        }

        var (contentType, template) = governing is null
            ? (Json, DefaultCompiled)
            : TemplateSelection.ByAccept(context.Http.Request.Headers.Accept.ToString(), governing.Templates) ?? (Json, DefaultCompiled);
        var body = template.Render(context);
        headers.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(context.HttpMethod) ? Task.CompletedTask : response.Body.WriteAsync(bytes).AsTask();
    }
}
