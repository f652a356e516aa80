using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

internal static partial class ConfigLoader
{
    /// <summary>
    /// Top-level keys of Lambda invocation:
    /// <c>lambda: { endpoint, credentials: { accessKeyId, secretAccessKey, sessionToken }, maxConcurrency }</c>
    /// and <c>functions: [ { name, endpoint } ]</c>.
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
            var max = lambda.Integer("maxConcurrency");
            if (max is < 1 or > 100_000)
            {
                lambda.Error($"'maxConcurrency' {max} must be between 1 and 100000.");
            }
            lambda.ReportUnknownKeys();
            settings = settings with { Endpoint = endpoint, Credentials = credentials, MaxConcurrency = (int)(max ?? settings.MaxConcurrency) };
        }
        var functions = ImmutableArray.CreateBuilder<LambdaFunction>();
        foreach (var function in file.Objects("functions"))
        {
            var name = function.String("name", required: true);
            var endpoint = function.String("endpoint", required: true);
            function.ReportUnknownKeys();
            if (endpoint is not null && !IsHttpUrl(endpoint))
            {
                function.Error($"'endpoint' '{endpoint}' must be an absolute http or https URL.");
            }
            if (name is not null && endpoint is not null)
            {
                functions.Add(new LambdaFunction { Name = name, Endpoint = endpoint });
            }
        }
        return config with { Lambda = settings with { Functions = functions.ToImmutable() } };
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
