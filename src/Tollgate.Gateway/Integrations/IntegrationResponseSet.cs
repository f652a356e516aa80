using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.JsonPath;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// An integration's <c>responses</c>, compiled: selection patterns as anchored regular
/// expressions tried in document order, the <c>default</c> entry catching the rest, header
/// mappings and response templates parsed once.
/// </summary>
internal sealed class IntegrationResponseSet
{
    private readonly (Regex Pattern, Entry Entry)[] _patterns;
    private readonly Entry? _default;

    private IntegrationResponseSet((Regex, Entry)[] patterns, Entry? fallback)
    {
        _patterns = patterns;
        _default = fallback;
    }

    internal sealed record Entry(
        int StatusCode,
        (string Header, ResponseHeaderSource Source)[] Headers,
        (string ContentType, VelocityTemplate Template)[] Templates,
        ContentHandling? ContentHandling);

    /// <param name="responses">The integration's responses.</param>
    /// <param name="location">Where they stand, for diagnostics.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="hasIntegrationResponse">
    /// Whether there is an integration response to map from (HTTP and AWS); MOCK has none, so its
    /// <c>integration.response.*</c> mappings are left out with a warning.
    /// </param>
    public static IntegrationResponseSet Compile(IEnumerable<IntegrationResponse> responses, string location, DiagnosticBag diagnostics, bool hasIntegrationResponse = true)
    {
        var patterns = new List<(Regex, Entry)>();
        Entry? fallback = null;
        foreach (var response in responses)
        {
            var where = $"{location}, integration response '{response.SelectionPattern}'";
            if (!int.TryParse(response.StatusCode, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100 || status > 599)
            {
                diagnostics.Error(where, $"statusCode '{response.StatusCode}' is not a status code between 100 and 599.");
                continue;
            }
            var headers = new List<(string, ResponseHeaderSource)>();
            foreach (var (target, expression) in response.ResponseParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                const string Prefix = "method.response.header.";
                if (!target.StartsWith(Prefix, StringComparison.Ordinal) || target.Length == Prefix.Length)
                {
                    diagnostics.Error(where, $"response parameter '{target}' must be method.response.header.Name.");
                    continue;
                }
                if (expression.StartsWith("integration.response.", StringComparison.Ordinal) && !hasIntegrationResponse)
                {
                    diagnostics.Warning(where, $"response parameter '{target}' maps '{expression}', but a MOCK integration has no integration response; the header is left out.");
                    continue;
                }
                var source = ResponseHeaderSource.Parse(expression, out var error);
                if (source is null)
                {
                    diagnostics.Error(where, $"response parameter '{target}': {error}.");
                    continue;
                }
                headers.Add((target[Prefix.Length..], source));
            }
            var templates = MappingTemplates.Compile(response.ResponseTemplates, where, "response template", diagnostics);
            var entry = new Entry(status, [.. headers], templates, response.ContentHandling);
            if (response.IsDefault)
            {
                fallback = entry;
                continue;
            }
            try
            {
                // API Gateway matches the whole value (Java's String.matches).
                patterns.Add((new Regex("^(?:" + response.SelectionPattern + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100)), entry));
            }
            catch (ArgumentException e)
            {
                diagnostics.Error(where, $"selection pattern is not a valid regular expression: {e.Message}");
            }
        }
        return new IntegrationResponseSet([.. patterns], fallback);
    }

    /// <summary>The entry whose pattern matches <paramref name="value"/> (a status code or error message), else the default.</summary>
    public Entry? Select(string value)
    {
        foreach (var (pattern, entry) in _patterns)
        {
            try
            {
                if (pattern.IsMatch(value))
                {
                    return entry;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that takes too long counts as no match.
            }
        }
        return _default;
    }
}

/// <summary>
/// The right-hand side of a response header mapping: a method request value, static value,
/// context or stage variable (<see cref="ParameterSource"/>), or a value of the integration
/// response: <c>integration.response.header.Name</c>, <c>integration.response.body</c> or
/// <c>integration.response.body.JSONPath</c> (the path without its leading <c>$</c>).
/// </summary>
internal sealed class ResponseHeaderSource
{
    private readonly ParameterSource? _request;
    private readonly string? _header;
    private readonly JsonPathExpression? _path;

    private ResponseHeaderSource(ParameterSource? request, string? header, JsonPathExpression? path)
    {
        _request = request;
        _header = header;
        _path = path;
    }

    public static ResponseHeaderSource? Parse(string expression, out string? error)
    {
        error = null;
        var e = expression.Trim();
        const string Header = "integration.response.header.";
        const string Body = "integration.response.body";
        if (e.StartsWith(Header, StringComparison.Ordinal) && e.Length > Header.Length)
        {
            return new ResponseHeaderSource(null, e[Header.Length..], null);
        }
        if (e == Body)
        {
            return new ResponseHeaderSource(null, null, null);
        }
        if (e.StartsWith(Body + ".", StringComparison.Ordinal) && e.Length > Body.Length + 1)
        {
            var path = JsonPathExpression.Compile("$." + e[(Body.Length + 1)..], out var pathError);
            if (path is null)
            {
                error = $"'{expression}' is not a JSONPath expression: {pathError}";
                return null;
            }
            return new ResponseHeaderSource(null, null, path);
        }
        if (e.StartsWith("integration.response.", StringComparison.Ordinal))
        {
            error = $"'{expression}' is not integration.response.header.Name, integration.response.body or integration.response.body.JSONPath";
            return null;
        }
        var request = ParameterSource.Parse(e, out error);
        return request is null ? null : new ResponseHeaderSource(request, null, null);
    }

    /// <summary>The value for this request and integration response; null when absent (the header is then left out).</summary>
    public string? Resolve(RequestContext context, IntegrationResult result)
    {
        if (_request is not null)
        {
            return _request.Resolve(context);
        }
        if (_header is not null)
        {
            return result.Header(_header);
        }
        if (_path is null)
        {
            return result.Text;
        }
        if (result.Json is not { } root || !_path.TrySelectSingle(root, out var selected))
        {
            return null;
        }
        return selected.ValueKind switch
        {
            JsonValueKind.String => selected.GetString(),
            JsonValueKind.Null => null,
            _ => JsonValues.ToCompactString(selected),
        };
    }
}
