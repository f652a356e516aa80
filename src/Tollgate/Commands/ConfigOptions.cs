using System.Collections.Immutable;
using System.CommandLine;
using Tollgate.Gateway.Config;

namespace Tollgate.Commands;

/// <summary>The options that say which config to load, shared by <c>serve</c> and <c>validate</c>.</summary>
internal sealed class ConfigOptions
{
    public Option<FileInfo> Config { get; } = new("--config", "-c")
    {
        Description = "A Tollgate config file (YAML or JSON), or an OpenAPI 3 / Swagger 2 export to serve on its own.",
        Required = true,
    };

    public Option<string?> Stage { get; } = new("--stage")
    {
        Description = "With an OpenAPI export: the stage to serve it under (default: the export's basePath, else prod).",
    };

    public Option<string[]> StageVariables { get; } = new("--stage-variable")
    {
        Description = "With an OpenAPI export: a stage variable as key=value. Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The environment variable that gives the Lambda endpoint when the option is not given.</summary>
    public const string LambdaEndpointVariable = "TOLLGATE_LAMBDA_ENDPOINT";

    public Option<string?> LambdaEndpoint { get; } = new("--lambda-endpoint")
    {
        Description = $"The Lambda Invoke API endpoint (e.g. http://127.0.0.1:9001) for every function the config does not list under functions; replaces lambda.endpoint. Default: ${LambdaEndpointVariable}.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Stage);
        command.Options.Add(StageVariables);
        command.Options.Add(LambdaEndpoint);
    }

    /// <summary>Reads the options; null with a message when a stage variable is malformed.</summary>
    public (string Path, LoadOptions Options)? Read(ParseResult result, TextWriter error)
    {
        var variables = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var pair in result.GetValue(StageVariables) ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error.WriteLine($"error: --stage-variable '{pair}' is not key=value.");
                return null;
            }
            variables[pair[..equals]] = pair[(equals + 1)..];
        }
        var path = result.GetValue(Config)!.FullName;
        var lambdaEndpoint = result.GetValue(LambdaEndpoint);
        if (string.IsNullOrEmpty(lambdaEndpoint))
        {
            lambdaEndpoint = Environment.GetEnvironmentVariable(LambdaEndpointVariable);
        }
        return (path, new LoadOptions
        {
            Stage = result.GetValue(Stage),
            StageVariables = variables.ToImmutable(),
            LambdaEndpoint = string.IsNullOrEmpty(lambdaEndpoint) ? null : lambdaEndpoint,
        });
    }

    /// <summary>The source that <c>serve</c> and <c>validate</c> read: the file and what it names.</summary>
    public static FileConfigSource Source(string path, LoadOptions options) => new(path, options);
}
