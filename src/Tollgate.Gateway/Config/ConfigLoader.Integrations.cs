using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

internal static partial class ConfigLoader
{
    /// <summary>
    /// Top-level keys of Lambda invocation:
    /// <c>lambda: { endpoint, credentials: { accessKeyId, secretAccessKey, sessionToken }, maxConcurrency,
    /// maxQueued, queueTimeoutMillis }</c> and <c>functions: [ { name, endpoint, maxConcurrency, maxQueued } ]</c>.
    /// </summary>
    private static GatewayConfig ReadIntegrationSections(ConfigObject file, GatewayConfig config, SectionContext context)
    {
        var settings = new LambdaSettings();
        if (file.Object("lambda") is { } lambda)
        {
            var endpoint = lambda.String("endpoint");
            if (endpoint is not null && !IsHttpUrl(endpoint))
            {
                lambda.Error($"'endpoint' '{endpoint}' must be an absolute http or https URL.");
            }
            LambdaCredentials? credentials = null;
            if (lambda.Object("credentials") is { } creds)
            {
                var id = creds.String("accessKeyId", required: true);
                var secret = creds.String("secretAccessKey", required: true);
                var token = creds.String("sessionToken");
                creds.ReportUnknownKeys();
                if (id is not null && secret is not null)
                {
                    credentials = new LambdaCredentials { AccessKeyId = id, SecretAccessKey = secret, SessionToken = token };
                }
            }
            var max = Bounded(lambda, "maxConcurrency", 1, MaxLambdaPlaces);
            var queued = Bounded(lambda, "maxQueued", 0, MaxLambdaPlaces);
            var queueTimeout = Bounded(lambda, "queueTimeoutMillis", 1, 30_000);
            lambda.ReportUnknownKeys();
            settings = settings with
            {
                Endpoint = endpoint,
                Credentials = credentials,
                MaxConcurrency = max ?? settings.MaxConcurrency,
                MaxQueued = queued ?? settings.MaxQueued,
                QueueTimeout = queueTimeout is { } ms ? TimeSpan.FromMilliseconds(ms) : settings.QueueTimeout,
            };
        }
        var functions = ImmutableArray.CreateBuilder<LambdaFunction>();
        foreach (var function in file.Objects("functions"))
        {
            var name = function.String("name", required: true);
            var endpoint = function.String("endpoint");
            var max = Bounded(function, "maxConcurrency", 1, MaxLambdaPlaces);
            var queued = Bounded(function, "maxQueued", 0, MaxLambdaPlaces);
            function.ReportUnknownKeys();
            if (endpoint is not null && !IsHttpUrl(endpoint))
            {
                function.Error($"'endpoint' '{endpoint}' must be an absolute http or https URL.");
            }
            if (name is not null)
            {
                functions.Add(new LambdaFunction { Name = name, Endpoint = endpoint, MaxConcurrency = max, MaxQueued = queued });
            }
        }
        return config with { Lambda = settings with { Functions = functions.ToImmutable() } };
    }

    /// <summary>The most places in flight, or in the queue, of one Lambda function.</summary>
    private const int MaxLambdaPlaces = 100_000;

    /// <summary>An optional integer key within [min, max]; out of range is an error naming the key (and null).</summary>
    private static int? Bounded(ConfigObject section, string key, int min, int max)
    {
        var value = section.Integer(key);
        if (value is null)
        {
            return null;
        }
        if (value < min || value > max)
        {
            section.Error($"'{key}' {value} must be between {min} and {max}.");
            return null;
        }
        return (int)value;
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
