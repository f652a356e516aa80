using System.Globalization;
using System.Text.RegularExpressions;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// An integration's <c>responses</c>, compiled: selection patterns as anchored regular
/// expressions tried in document order, the <c>default</c> entry catching the rest.
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

    internal sealed record Entry(int StatusCode, (string Header, ParameterSource Source)[] Headers, (string ContentType, string Template)[] Templates);

    public static IntegrationResponseSet Compile(IEnumerable<IntegrationResponse> responses, string location, DiagnosticBag diagnostics)
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
            var headers = new List<(string, ParameterSource)>();
            foreach (var (target, expression) in response.ResponseParameters)
            {
                const string Prefix = "method.response.header.";
                if (!target.StartsWith(Prefix, StringComparison.Ordinal) || target.Length == Prefix.Length)
                {
                    diagnostics.Error(where, $"response parameter '{target}' must be method.response.header.Name.");
                    continue;
                }
                if (expression.StartsWith("integration.response.", StringComparison.Ordinal))
                {
                    // Only HTTP and AWS integrations have an integration response to map from.
                    diagnostics.Warning(where, $"response parameter '{target}' maps '{expression}', which is not served yet; the header is left out.");
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
            var templates = new List<(string, string)>();
            foreach (var (contentType, template) in response.ResponseTemplates)
            {
                templates.Add((contentType, template));
            }
            var entry = new Entry(status, [.. headers], [.. templates]);
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
            if (pattern.IsMatch(value))
            {
                return entry;
            }
        }
        return _default;
    }
}
