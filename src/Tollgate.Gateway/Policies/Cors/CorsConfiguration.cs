using System.Text.Json;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Cors;

/// <summary>
/// Reads and checks an HTTP API's <c>x-amazon-apigateway-cors</c> object (allowOrigins,
/// allowMethods, allowHeaders, exposeHeaders, maxAge, allowCredentials) into <see cref="CorsRules"/>.
/// Every problem is reported with the API it is in; the config validator and the snapshot compiler
/// both call it, so a bad value stops start-up (or a reload) before anything is served.
/// </summary>
internal static class CorsConfiguration
{
    /// <summary>The largest <c>maxAge</c> API Gateway accepts: one day, in seconds.</summary>
    public const int MaxAgeLimit = 86_400;

    private const string Field = "x-amazon-apigateway-cors";

    private static readonly string[] Fields = ["allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials"];

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"];

    /// <summary>The rules for an API's CORS object; null (with errors reported) when it is not valid.</summary>
    public static CorsRules? Parse(JsonElement cors, string where, DiagnosticBag diagnostics)
    {
        if (cors.ValueKind != JsonValueKind.Object)
        {
            diagnostics.Error(where, $"{Field} must be an object.");
            return null;
        }
        var errors = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
        foreach (var property in cors.EnumerateObject())
        {
            if (Array.IndexOf(Fields, property.Name) < 0)
            {
                diagnostics.Error(where, $"{Field}.{property.Name} is not a CORS setting (allowOrigins, allowMethods, allowHeaders, exposeHeaders, maxAge, allowCredentials).");
            }
        }
        var origins = Strings(cors, "allowOrigins", where, diagnostics);
        var methods = Strings(cors, "allowMethods", where, diagnostics);
        var headers = Strings(cors, "allowHeaders", where, diagnostics);
        var expose = Strings(cors, "exposeHeaders", where, diagnostics);
        var credentials = Boolean(cors, "allowCredentials", where, diagnostics);
        var maxAge = MaxAge(cors, where, diagnostics);

        foreach (var origin in origins)
        {
            if (!IsOrigin(origin))
            {
                diagnostics.Error(where, $"{Field}.allowOrigins: '{origin}' is not '*' or an origin such as https://www.example.com (scheme, host, optional port; '*' may stand for part of the host).");
            }
        }
        if (credentials && Array.IndexOf(origins, "*") >= 0)
        {
            diagnostics.Error(where, $"{Field}: allowCredentials is not supported when allowOrigins has '*' (API Gateway refuses this too); list the origins.");
        }
        foreach (var method in methods)
        {
            if (Array.IndexOf(Methods, method.ToUpperInvariant()) < 0)
            {
                diagnostics.Error(where, $"{Field}.allowMethods: '{method}' is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, '*'.");
            }
        }
        CheckHeaderNames(headers, "allowHeaders", where, diagnostics);
        CheckHeaderNames(expose, "exposeHeaders", where, diagnostics);

        if (diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error) > errors)
        {
            return null;
        }
        return new CorsRules(origins, methods, headers, expose, maxAge, credentials);
    }

    private static string[] Strings(JsonElement cors, string name, string where, DiagnosticBag diagnostics)
    {
        if (!cors.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            diagnostics.Error(where, $"{Field}.{name} must be an array of strings.");
            return [];
        }
        var result = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                diagnostics.Error(where, $"{Field}.{name} must hold non-empty strings, not {item.GetRawText()}.");
                continue;
            }
            result.Add(item.GetString()!.Trim());
        }
        return [.. result];
    }

    private static bool Boolean(JsonElement cors, string name, string where, DiagnosticBag diagnostics)
    {
        if (!cors.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        diagnostics.Error(where, $"{Field}.{name} must be true or false, not {value.GetRawText()}.");
        return false;
    }

    private static int? MaxAge(JsonElement cors, string where, DiagnosticBag diagnostics)
    {
        if (!cors.TryGetProperty("maxAge", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var seconds) || seconds < 0 || seconds > MaxAgeLimit)
        {
            diagnostics.Error(where, $"{Field}.maxAge {value.GetRawText()} must be a whole number of seconds from 0 to {MaxAgeLimit}.");
            return null;
        }
        return seconds;
    }

    private static void CheckHeaderNames(string[] names, string field, string where, DiagnosticBag diagnostics)
    {
        foreach (var name in names)
        {
            if (name != "*" && !IsToken(name))
            {
                diagnostics.Error(where, $"{Field}.{field}: '{name}' is not a header name or '*'.");
            }
        }
    }

    /// <summary><c>*</c>, or <c>scheme://host[:port]</c> with no path, where <c>*</c> may stand for part of the host.</summary>
    internal static bool IsOrigin(string origin)
    {
        if (origin == "*")
        {
            return true;
        }
        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || separator + 3 >= origin.Length)
        {
            return false;
        }
        for (var i = 0; i < separator; i++)
        {
            if (!char.IsAsciiLetterOrDigit(origin[i]) && origin[i] is not ('+' or '-' or '.'))
            {
                return false;
            }
        }
        for (var i = separator + 3; i < origin.Length; i++)
        {
            var c = origin[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or ':' or '*' or '[' or ']' or '_'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsToken(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-.^_`|~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }
        return name.Length > 0;
    }
}
