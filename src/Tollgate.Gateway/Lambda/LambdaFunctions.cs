using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Lambda;

/// <summary>Finds the function an integration or authorizer URI names, and the endpoint that serves it.</summary>
internal static class LambdaFunctions
{
    private const string PathMarker = ":lambda:path/2015-03-31/functions/";
    private const string Suffix = "/invocations";

    /// <summary>
    /// The function of an API Gateway Lambda URI,
    /// <c>arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function}/invocations</c>;
    /// a bare function ARN or name is taken as it is.
    /// </summary>
    public static bool TryGetFunction(string? uri, out string function)
    {
        function = "";
        if (string.IsNullOrWhiteSpace(uri))
        {
            return false;
        }
        var marker = uri.IndexOf(PathMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            if (uri.StartsWith("arn:aws:apigateway:", StringComparison.Ordinal) || uri.Contains('/', StringComparison.Ordinal))
            {
                return false;
            }
            function = uri;
            return true;
        }
        var start = marker + PathMarker.Length;
        var end = uri.EndsWith(Suffix, StringComparison.Ordinal) ? uri.Length - Suffix.Length : uri.Length;
        if (end <= start)
        {
            return false;
        }
        function = uri[start..end];
        return true;
    }

    /// <summary>The endpoint for a function: its own, else the default; null with a reason when there is none.</summary>
    public static Uri? Endpoint(LambdaSettings settings, string function, out string? problem)
    {
        problem = null;
        var endpoint = Find(settings, function)?.Endpoint ?? settings.Endpoint;
        if (endpoint is null)
        {
            problem = $"no Lambda endpoint for function '{function}': set lambda.endpoint or list it under functions";
            return null;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"Lambda endpoint '{endpoint}' is not an absolute http or https URL";
            return null;
        }
        return uri;
    }

    /// <summary>The load warning for a function with no endpoint at all (no lambda.endpoint, --lambda-endpoint or functions entry).</summary>
    public static string NoEndpointWarning(string function) =>
        $"no Lambda endpoint for function '{function}' (set lambda.endpoint, list it under functions, or give --lambda-endpoint / TOLLGATE_LAMBDA_ENDPOINT); " +
        "the rest of the API is served and requests that need this function answer 500, as API Gateway does for a function it cannot invoke.";

    /// <summary>The concurrency limits of a function: its own where listed, else the shared ones.</summary>
    public static LambdaLimits Limits(LambdaSettings settings, string function)
    {
        var entry = Find(settings, function);
        return new LambdaLimits(
            Math.Max(1, entry?.MaxConcurrency ?? settings.MaxConcurrency),
            Math.Max(0, entry?.MaxQueued ?? settings.MaxQueued),
            settings.QueueTimeout > TimeSpan.Zero ? settings.QueueTimeout : TimeSpan.FromMilliseconds(1));
    }

    /// <summary>The <c>functions</c> entry for a function, by its ARN or its short name; null when it is not listed.</summary>
    public static LambdaFunction? Find(LambdaSettings settings, string function)
    {
        var name = ShortName(function);
        foreach (var entry in settings.Functions)
        {
            if (string.Equals(entry.Name, function, StringComparison.Ordinal) || ShortName(entry.Name).SequenceEqual(name))
            {
                return entry;
            }
        }
        return null;
    }

    /// <summary>The short name of a function ARN (<c>arn:aws:lambda:r:a:function:name[:qualifier]</c>), or the value itself.</summary>
    private static ReadOnlySpan<char> ShortName(string function)
    {
        const string Marker = ":function:";
        var at = function.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return function;
        }
        var name = function.AsSpan(at + Marker.Length);
        var qualifier = name.IndexOf(':');
        return qualifier < 0 ? name : name[..qualifier];
    }
}
