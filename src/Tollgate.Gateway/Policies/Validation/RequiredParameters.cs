using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>Where a method request parameter is read from.</summary>
internal enum ParameterLocation
{
    Path,
    QueryString,
    Header,
}

/// <summary>
/// The required request parameters of one method (<c>validateRequestParameters</c>), compiled
/// from <see cref="Model.Method.RequestParameters"/> keys such as
/// <c>method.request.querystring.page</c>. A parameter is missing when it is absent or blank
/// (empty or white space). Header names are case-insensitive, query and path names are not.
/// A failure is the <c>BAD_REQUEST_PARAMETERS</c> gateway response (400) with
/// <see cref="FormatMessage"/>'s text.
/// </summary>
internal sealed class RequiredParameters
{
    private const string Prefix = "method.request.";

    private readonly (ParameterLocation Location, string Name)[] _required;

    private RequiredParameters((ParameterLocation, string)[] required) => _required = required;

    /// <summary>No required parameters: every request passes.</summary>
    public static RequiredParameters None { get; } = new([]);

    public int Count => _required.Length;

    /// <summary>
    /// Keeps the parameters marked required, in API Gateway's order: headers, then path, then
    /// query string (as recordings of real AWS list them, issue 19), by name within each. Keys that are not <c>method.request.{path|querystring|header}.name</c>
    /// are returned in <paramref name="invalidKeys"/> for the config validator to report.
    /// </summary>
    public static RequiredParameters Compile(IEnumerable<KeyValuePair<string, bool>> requestParameters, out IReadOnlyList<string> invalidKeys)
    {
        var required = new List<(ParameterLocation, string)>();
        var invalid = new List<string>();
        foreach (var (key, isRequired) in requestParameters)
        {
            if (!TryParse(key, out var location, out var name))
            {
                invalid.Add(key);
            }
            else if (isRequired)
            {
                required.Add((location, name));
            }
        }
        required.Sort((a, b) => a.Item1 != b.Item1 ? Rank(a.Item1).CompareTo(Rank(b.Item1)) : string.CompareOrdinal(a.Item2, b.Item2));
        invalidKeys = invalid;
        return required.Count == 0 ? None : new RequiredParameters([.. required]);
    }

    /// <summary>The place of a location in the message: headers first, then path, then query string.</summary>
    private static int Rank(ParameterLocation location) => location switch
    {
        ParameterLocation.Header => 0,
        ParameterLocation.Path => 1,
        _ => 2,
    };

    /// <summary>Splits <c>method.request.header.X-Id</c> into its location and name.</summary>
    public static bool TryParse(string key, out ParameterLocation location, out string name)
    {
        location = default;
        name = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = key.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || dot == rest.Length - 1)
        {
            return false;
        }
        switch (rest[..dot])
        {
            case "path": location = ParameterLocation.Path; break;
            case "querystring": location = ParameterLocation.QueryString; break;
            case "header": location = ParameterLocation.Header; break;
            default: return false;
        }
        name = rest[(dot + 1)..].ToString();
        return true;
    }

    /// <summary>The names of the missing parameters, or null when none is missing (no allocation).</summary>
    public List<string>? FindMissing(IReadOnlyDictionary<string, string> pathParameters, IQueryCollection query, IHeaderDictionary headers)
    {
        List<string>? missing = null;
        foreach (var (location, name) in _required)
        {
            var present = location switch
            {
                ParameterLocation.Path => pathParameters.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value),
                ParameterLocation.QueryString => query.TryGetValue(name, out var values) && HasNonBlank(values),
                _ => headers.TryGetValue(name, out var values) && HasNonBlank(values),
            };
            if (!present)
            {
                (missing ??= []).Add(name);
            }
        }
        return missing;
    }

    /// <summary>API Gateway's message, e.g. <c>Missing required request parameters: [X-Id, page]</c>.</summary>
    public static string FormatMessage(IReadOnlyList<string> missing) =>
        "Missing required request parameters: [" + string.Join(", ", missing) + "]";

    private static bool HasNonBlank(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return true;
            }
        }
        return false;
    }
}
