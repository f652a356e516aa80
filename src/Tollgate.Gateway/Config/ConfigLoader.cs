using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>Settings for loading a bare OpenAPI document (a config file declares its own stages).</summary>
internal sealed record LoadOptions
{
    /// <summary>No stage override, no stage variables.</summary>
    public static LoadOptions Default { get; } = new();

    /// <summary>The stage to serve a bare document under; null: its base path stage, else <c>prod</c>.</summary>
    public string? Stage { get; init; }

    /// <summary>Stage variables for a bare document's stage.</summary>
    public ImmutableDictionary<string, string> StageVariables { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// The Lambda Invoke API endpoint from the command line (<c>--lambda-endpoint</c>) or the
    /// environment (<c>TOLLGATE_LAMBDA_ENDPOINT</c>): it takes the place of <c>lambda.endpoint</c>.
    /// </summary>
    public string? LambdaEndpoint { get; init; }
}

/// <summary>The outcome of loading a configuration.</summary>
/// <param name="Config">The configuration; from <see cref="ConfigLoader.Load"/> null when <paramref name="Diagnostics"/> holds errors (<see cref="ConfigLoader.Read"/> returns what it could read).</param>
/// <param name="Diagnostics">Every problem found, errors and warnings, in the order found.</param>
/// <param name="SourceFiles">Full paths of every file read (the config and each definition), for a watcher.</param>
internal sealed record LoadResult(GatewayConfig? Config, ImmutableArray<ConfigDiagnostic> Diagnostics, ImmutableArray<string> SourceFiles)
{
    /// <summary>The digest of the exact bytes parsed (<see cref="SourceDigest"/>); empty when nothing was read.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>Whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Loads a Tollgate config file (YAML or JSON) and the OpenAPI definitions it names, or a bare
/// OpenAPI/Swagger document, into a validated <see cref="GatewayConfig"/>.
/// </summary>
internal static partial class ConfigLoader
{
    /// <summary>The stage a definition is served under when nothing names one.</summary>
    public const string DefaultStage = "prod";

    /// <summary>
    /// Reads and validates: the config, or null with every problem. For callers outside the
    /// config pipeline (the <c>usage</c> command, tests); a gateway reads through
    /// <see cref="FileConfigSource"/>, whose loads the pipeline validates.
    /// </summary>
    public static LoadResult Load(string path, LoadOptions options)
    {
        var read = Read(path, options);
        if (read.Config is not { } config)
        {
            return read;
        }
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(read.Diagnostics);
        ConfigValidator.Validate(config, diagnostics);
        return read with { Config = diagnostics.HasErrors ? null : config, Diagnostics = [.. diagnostics.Items] };
    }

    /// <summary>
    /// Reads the config file and the files it names into a model, without validating it. The
    /// model is returned even when reading found errors (null only when the file itself could not
    /// be read or parsed), so that validation and compilation can still report their problems in
    /// the same pass; such a model is never served.
    /// </summary>
    public static LoadResult Read(string path, LoadOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var sources = new SourceFiles();
        var fullPath = Path.GetFullPath(path);
        sources.Add(fullPath);

        var document = DocumentReader.ReadFile(fullPath, $"file '{path}'", diagnostics, digest: sources.Digest);
        GatewayConfig? config = null;
        if (document is { } root)
        {
            config = OpenApiImporter.IsOpenApiDocument(root)
                ? LoadBareDocument(root, path, options, diagnostics)
                : LoadConfigFile(root, path, fullPath, options, diagnostics, sources);
        }
        if (config is not null && options.LambdaEndpoint is { } lambdaEndpoint)
        {
            if (IsHttpUrl(lambdaEndpoint))
            {
                config = config with { Lambda = config.Lambda with { Endpoint = lambdaEndpoint } };
            }
            else
            {
                diagnostics.Error("--lambda-endpoint", $"'{lambdaEndpoint}' must be an absolute http or https URL.");
            }
        }
        return new LoadResult(
            config,
            [.. diagnostics.Items],
            [.. sources.Distinct(StringComparer.Ordinal)])
        {
            Fingerprint = sources.Digest.Finish(),
        };
    }

    /// <summary>The files a load read, and the digest of the bytes it parsed from them.</summary>
    private sealed class SourceFiles : List<string>
    {
        public SourceDigest Digest { get; } = new();
    }

    private static GatewayConfig LoadBareDocument(JsonElement root, string path, LoadOptions options, DiagnosticBag diagnostics)
    {
        var title = root.TryGetProperty("info", out var info) && info.ValueKind == JsonValueKind.Object &&
                    info.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var apiId = Slug(title);
        var import = OpenApiImporter.Import(root, apiId, $"API '{apiId}', definition '{path}'", diagnostics, ImportOptions.Default);
        var stage = new Stage
        {
            StageName = options.Stage ?? import.BasePathStage ?? DefaultStageFor(import.Api),
            Variables = options.StageVariables,
        };
        return new GatewayConfig { Apis = [import.Api with { Stages = [stage] }] };
    }

    /// <summary>
    /// The stage of a definition that names none: <c>$default</c> for HTTP APIs (served at the root,
    /// as AWS creates them), <see cref="DefaultStage"/> for REST APIs.
    /// </summary>
    internal static string DefaultStageFor(Api api) =>
        api.Protocol == ApiProtocol.Http ? Routing.RequestRouter.DefaultStageName : DefaultStage;

    /// <summary>The API id of a bare document: its title in lower case, runs of other characters as one '-'.</summary>
    internal static string Slug(string title)
    {
        var builder = new StringBuilder(title.Length);
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        var slug = builder.ToString().TrimEnd('-');
        return slug.Length == 0 ? "api" : slug;
    }

    private static GatewayConfig? LoadConfigFile(
        JsonElement root, string path, string fullPath, LoadOptions options, DiagnosticBag diagnostics, List<string> sources)
    {
        var label = $"config '{path}'";
        if (ConfigObject.From(root, label, "", diagnostics) is not { } file)
        {
            return null;
        }
        if (options.Stage is not null || !options.StageVariables.IsEmpty)
        {
            diagnostics.Warning(label, "the stage and stage variables given on the command line apply to a bare OpenAPI document; this config file declares its own stages, so they are not used.");
        }

        var server = file.Object("server") is { } serverObject ? ReadServer(serverObject) : new ServerSettings();
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var apis = ImmutableArray.CreateBuilder<Api>();
        var account = ImportAccount(root);
        foreach (var apiObject in file.Objects("apis", required: true))
        {
            if (ReadApi(apiObject, directory, account, diagnostics, sources) is { } api)
            {
                apis.Add(api);
            }
        }
        var domains = file.Objects("domainNames").Select(ReadDomainName).OfType<DomainName>().ToImmutableArray();
        var config = new GatewayConfig { Apis = apis.ToImmutable(), DomainNames = domains, Server = server };
        // Each feature reads its own top-level keys (ConfigLoader.<Feature>.cs).
        var context = new SectionContext(directory, diagnostics, sources);
        config = ReadUsagePlanSections(file, config, context);
        config = ReadAuthorizerSections(file, config, context);
        config = ReadIntegrationSections(file, config, context);
        config = ReadAccessLogSections(file, config);
        file.ReportUnknownKeys();
        return config;
    }

    private static ServerSettings ReadServer(ConfigObject server)
    {
        var settings = new ServerSettings();
        var listen = server.List("listen").ToList();
        if (listen.Count > 0)
        {
            settings = settings with
            {
                Listen = [.. listen.Where(l => l.Item.ValueKind == JsonValueKind.String).Select(l => l.Item.GetString()!)],
            };
            foreach (var (item, itemPath) in listen.Where(l => l.Item.ValueKind != JsonValueKind.String))
            {
                server.Error($"'{itemPath}' must be a string, not {OpenApiImporter.Describe(item.ValueKind)}.");
            }
        }
        if (server.String("adminListen") is { } admin)
        {
            if (AdminUrl.TryParse(admin, out _, out var problem))
            {
                settings = settings with { AdminListen = admin };
            }
            else
            {
                server.Error($"'adminListen' '{admin}' {problem}");
            }
        }
        if (server.Integer("maxRequestBodyBytes") is { } max)
        {
            settings = settings with { MaxRequestBodyBytes = max };
        }
        if (server.Integer("maxTemplateMemoryBytes") is { } templateMemory)
        {
            settings = settings with { MaxTemplateMemoryBytes = templateMemory };
        }
        if (server.Integer("drainTimeoutSeconds") is { } drain)
        {
            if (drain < 0 || drain > int.MaxValue)
            {
                server.Error($"'drainTimeoutSeconds' {drain} must be 0 or more.");
            }
            else
            {
                settings = settings with { DrainTimeout = TimeSpan.FromSeconds(drain) };
            }
        }
        if (server.Integer("keepAliveTimeoutSeconds") is { } keepAlive)
        {
            if (keepAlive < 1 || keepAlive > 3600)
            {
                server.Error($"'keepAliveTimeoutSeconds' {keepAlive} must be from 1 to 3600.");
            }
            else
            {
                settings = settings with { KeepAliveTimeout = TimeSpan.FromSeconds(keepAlive) };
            }
        }
        settings = settings with
        {
            MaxConnections = Count(server, "maxConnections") ?? settings.MaxConnections,
            MaxUpgradedConnections = Count(server, "maxUpgradedConnections") ?? settings.MaxUpgradedConnections,
            MaxConcurrentRequestsPerBackend = Count(server, "maxConcurrentRequestsPerBackend") ?? settings.MaxConcurrentRequestsPerBackend,
        };
        if (server.Has("upgradeProtocols"))
        {
            var protocols = server.List("upgradeProtocols").ToList();
            settings = settings with
            {
                UpgradeProtocols = [.. protocols.Where(p => p.Item.ValueKind == JsonValueKind.String).Select(p => p.Item.GetString()!)],
            };
            foreach (var (item, itemPath) in protocols.Where(p => p.Item.ValueKind != JsonValueKind.String))
            {
                server.Error($"'{itemPath}' must be a string, not {OpenApiImporter.Describe(item.ValueKind)}.");
            }
        }
        server.ReportUnknownKeys();
        return settings;
    }

    /// <summary>A server limit: a whole number from 1 to 1,000,000; an error names the key otherwise.</summary>
    private static int? Count(ConfigObject server, string key)
    {
        if (server.Integer(key) is not { } value)
        {
            return null;
        }
        if (value is < 1 or > 1_000_000)
        {
            server.Error($"'{key}' {value} must be from 1 to 1000000.");
            return null;
        }
        return (int)value;
    }

    /// <summary>
    /// The region and account the definitions are imported into (for <c>${AWS::Region}</c> and
    /// <c>${AWS::AccountId}</c>), peeked at before the APIs are read; their keys are checked later.
    /// </summary>
    private static ImportOptions ImportAccount(JsonElement root)
    {
        var options = ImportOptions.Default;
        if (root.TryGetProperty("region", out var region) && region.ValueKind == JsonValueKind.String && RegionName().IsMatch(region.GetString()!))
        {
            options = options with { Region = region.GetString() };
        }
        if (root.TryGetProperty("accountId", out var account) && account.ValueKind == JsonValueKind.String && AccountIdPattern().IsMatch(account.GetString()!))
        {
            options = options with { AccountId = account.GetString()! };
        }
        return options;
    }

    private static Api? ReadApi(ConfigObject entry, string directory, ImportOptions account, DiagnosticBag diagnostics, List<string> sources)
    {
        var name = entry.String("name", required: true);
        var definition = entry.String("definition", required: true);
        var protocolType = entry.String("protocolType");
        var stages = entry.Objects("stages").Select(ReadStage).OfType<Stage>().ToImmutableArray();
        ApiProtocol? protocol = protocolType?.ToUpperInvariant() switch
        {
            null => null,
            "REST" => ApiProtocol.Rest,
            "HTTP" => ApiProtocol.Http,
            _ => null,
        };
        if (protocolType is not null && protocol is null)
        {
            entry.Error($"'protocolType' '{protocolType}' is not one of REST, HTTP.");
        }
        entry.ReportUnknownKeys();
        if (name is null || definition is null)
        {
            return null;
        }
        if (!ApiId().IsMatch(name))
        {
            entry.Error($"API name '{name}' must be letters, digits, '-' and '_'.");
        }

        var definitionPath = Path.GetFullPath(Path.Combine(directory, definition));
        sources.Add(definitionPath);
        var label = $"definition '{definition}'";
        if (DocumentReader.ReadFile(definitionPath, label, diagnostics, digest: (sources as SourceFiles)?.Digest) is not { } document)
        {
            return null;
        }
        if (!OpenApiImporter.IsOpenApiDocument(document))
        {
            diagnostics.Error(label, "not an OpenAPI or Swagger document (no 'openapi' or 'swagger' at the top level).");
            return null;
        }
        // Import problems name the API as well as the file: one definition may serve several APIs.
        var import = OpenApiImporter.Import(document, name, $"API '{name}', {label}", diagnostics, account with { Protocol = protocol });
        if (stages.IsEmpty)
        {
            stages = [new Stage { StageName = import.BasePathStage ?? DefaultStageFor(import.Api) }];
        }
        return import.Api with { Stages = stages };
    }

    private static Stage? ReadStage(ConfigObject entry)
    {
        var stage = new Stage
        {
            StageName = entry.String("stageName", required: true) ?? "",
            Description = entry.String("description"),
            Variables = entry.StringMap("variables").ToImmutableDictionary(StringComparer.Ordinal),
        };
        stage = ReadUsagePlanStageKeys(entry, stage);
        stage = ReadAccessLogStageKeys(entry, stage);
        entry.ReportUnknownKeys();
        return stage.StageName.Length == 0 ? null : stage;
    }

    private static DomainName? ReadDomainName(ConfigObject entry)
    {
        var name = entry.String("domainName", required: true);
        var mappings = ImmutableArray.CreateBuilder<BasePathMapping>();
        foreach (var mapping in entry.Objects("basePathMappings"))
        {
            var basePath = mapping.String("basePath") ?? "";
            var apiId = mapping.String("restApiId", required: true);
            var stage = mapping.String("stage", required: true);
            mapping.ReportUnknownKeys();
            if (apiId is not null && stage is not null)
            {
                // "(none)" is how API Gateway shows the empty base path; slashes around it are decoration.
                basePath = basePath == "(none)" ? "" : basePath.Trim('/');
                mappings.Add(new BasePathMapping { BasePath = basePath, RestApiId = apiId, Stage = stage });
            }
        }
        entry.ReportUnknownKeys();
        return name is null ? null : new DomainName { Name = name, BasePathMappings = mappings.ToImmutable() };
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex ApiId();
}
