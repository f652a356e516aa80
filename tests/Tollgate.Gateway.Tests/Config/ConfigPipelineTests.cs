using Tollgate.Gateway.Config;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Tests.Storage;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>
/// One pipeline for every source: every problem in one pass (reading, validation, compiling), and
/// the usage database opened only for a config that needs it.
/// </summary>
public sealed class ConfigPipelineTests
{
    // One problem of each stage: the validator's (server), the compiler's (a mapping template).
    private const string BrokenTemplateExport = """
        { "openapi": "3.0.1", "info": { "title": "broken", "version": "1" },
          "paths": { "/ok": { "get": { "x-amazon-apigateway-integration": { "type": "mock",
            "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
            "responses": { "default": { "statusCode": "200", "responseTemplates": { "application/json": "#if(" } } } } } } } }
        """;

    private const string KeysAndPlans = """
        apiKeys:
          - { name: tenant-a, value: "inline-secret-0123456789abcdef" }
        usagePlans:
          - name: gold
            apiStages: [ { apiId: api, stage: prod } ]
            apiKeys: [ tenant-a ]
        """;

    private static string Config(string extra) => $"""
        apis:
          - name: api
            definition: api.json
            stages: [ {"{"} stageName: prod {"}"} ]
        {extra}
        """;

    [Fact]
    public void Check_ValidationAndCompileErrors_BothReportedInOnePass()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), BrokenTemplateExport);
        File.WriteAllText(dir.File("tollgate.yaml"), Config("server: { maxRequestBodyBytes: 0 }"));
        using var source = new FileConfigSource(dir.File("tollgate.yaml"), LoadOptions.Default);
        var diagnostics = new DiagnosticBag();

        Assert.False(ConfigPipeline.Check(source.Load(), TimeProvider.System, diagnostics));

        var errors = diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.Contains("error: server: maxRequestBodyBytes must be positive, not 0.", errors);
        Assert.Contains(errors, e => e.Contains("method 'GET /ok'", StringComparison.Ordinal) && e.Contains("response template 'application/json'", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_ReadErrorAndCompileError_BothReported()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), BrokenTemplateExport);
        // An API key with both a value and where to read one: found while reading the config file.
        File.WriteAllText(dir.File("tollgate.yaml"), Config("apiKeys:\n  - { name: a, value: \"inline-secret-0123456789abcdef\", valueFrom: { env: HOME } }\n"));
        using var source = new FileConfigSource(dir.File("tollgate.yaml"), LoadOptions.Default);
        var load = source.Load();
        var diagnostics = new DiagnosticBag();

        Assert.False(ConfigPipeline.Check(load, TimeProvider.System, diagnostics));

        var errors = diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count >= 2, string.Join("\n", errors));
        Assert.Contains(errors, e => e.Contains("give exactly one of 'value' and 'valueFrom'.", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("response template 'application/json'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SourceValidatedAlready_ItsFindingsAreNotRepeated()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), FileConfigSourceTests.Export("one"));
        File.WriteAllText(dir.File("tollgate.yaml"), Config("server: { maxRequestBodyBytes: 0 }"));
        // ConfigLoader.Load validates (for callers outside the pipeline); the pipeline validates again.
        var loaded = ConfigLoader.Load(dir.File("tollgate.yaml"), LoadOptions.Default);
        using var read = new FileConfigSource(dir.File("tollgate.yaml"), LoadOptions.Default);
        var partial = read.Load();
        var diagnostics = new DiagnosticBag();

        ConfigPipeline.Check(new ConfigLoad(partial.Config, loaded.Diagnostics, partial.SourceFiles), TimeProvider.System, diagnostics);

        Assert.Single(diagnostics.Items, d => d.Message.StartsWith("maxRequestBodyBytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_NoKeysOrPlans_TheDataDirectoryIsNeverTouched()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), FileConfigSourceTests.Export("one"));
        File.WriteAllText(dir.File("tollgate.yaml"), Config(""));
        var data = dir.File("data");
        var source = new FileConfigSource(dir.File("tollgate.yaml"), LoadOptions.Default);
        using var harness = new ReloaderHarness(source, data);

        Assert.Null(harness.Usage.Store);
        Assert.Null(harness.Usage.DatabasePath);
        Assert.False(Directory.Exists(data));

        // A reload that brings keys and plans opens it, and says where.
        File.WriteAllText(dir.File("tollgate.yaml"), Config(KeysAndPlans));
        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        var database = Path.Combine(data, "tollgate.db");
        Assert.Equal(database, harness.Usage.DatabasePath);
        Assert.True(File.Exists(database));
        Assert.Contains($"Information: Usage is recorded in {database}.", harness.Logs.Lines);
        Assert.NotNull(harness.Usage.Store!.FindPlanStart(harness.Snapshots.Current.Config.UsagePlans[0].Id));
        source.Dispose();
    }

    [Fact]
    public void Reload_RefusedWithANewAccessLog_OpensNoWriterAndNoFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), FileConfigSourceTests.Export("one"));
        File.WriteAllText(dir.File("tollgate.yaml"), Config(""));
        var source = new FileConfigSource(dir.File("tollgate.yaml"), LoadOptions.Default);
        using var harness = new ReloaderHarness(source);
        var log = dir.File("access.log");
        string WithLog(string extra) => $$"""
            apis:
              - name: api
                definition: api.json
                stages:
                  - stageName: prod
                    accessLogSettings: { destinationArn: "file://{{log}}", format: "$context.requestId" }
            {{extra}}
            """;

        // The access log is new, and the config fails at compile (a domain mapped to no stage).
        File.WriteAllText(dir.File("tollgate.yaml"), WithLog("domainNames: [ { domainName: api.example.com, basePathMappings: [ { restApiId: api, stage: nope } ] } ]"));
        Assert.Equal(ReloadOutcome.Failed, harness.Reloader.ReloadNow());
        Assert.Empty(harness.Services.AccessLogs.Writers);
        Assert.False(File.Exists(log));

        // Accepted, the stage's log still opens nothing until a request completes.
        File.WriteAllText(dir.File("tollgate.yaml"), WithLog(""));
        Assert.Equal(ReloadOutcome.Swapped, harness.Reloader.ReloadNow());
        Assert.Empty(harness.Services.AccessLogs.Writers);
        Assert.True(harness.Snapshots.Current.Router.TryRoute("localhost", "/prod/x", out var route));
        Assert.Equal(log, route.Stage.AccessLog!.Destination);
        source.Dispose();
    }

    [Fact]
    public void Reload_PlansAddedButTheDatabaseCannotBeOpened_RefusedNamingIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("api.json"), FileConfigSourceTests.Export("one"));
        File.WriteAllText(dir.File("tollgate.yaml"), Config(""));
        // A directory under a regular file cannot be made, not even by root.
        File.WriteAllText(dir.File("file"), "");
        var data = Path.Combine(dir.File("file"), "data");
        var source = new FileConfigSource(dir.File("tollgate.yaml"), LoadOptions.Default);
        using var harness = new ReloaderHarness(source, data);
        var before = harness.Snapshots.Current;

        File.WriteAllText(dir.File("tollgate.yaml"), Config(KeysAndPlans));
        Assert.Equal(ReloadOutcome.Failed, harness.Reloader.ReloadNow());

        Assert.Same(before, harness.Snapshots.Current);
        Assert.Null(harness.Usage.Store);
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Error: Reload refused: error: usage database: cannot open the usage database: ", StringComparison.Ordinal));
        source.Dispose();
    }

    [Fact]
    public void OpenStore_UnwritablePlace_ThrowsUsageDatabaseExceptionAndTriesAgainLater()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("file"), "");
        var data = Path.Combine(dir.File("file"), "data");
        using var usage = new Gateway.Policies.Throttling.UsageServices(TimeProvider.System, data);

        Assert.Throws<UsageDatabaseException>(() => { usage.OpenStore(); });
        File.Delete(dir.File("file"));
        Assert.True(usage.OpenStore());
        Assert.False(usage.OpenStore());
        Assert.True(File.Exists(Path.Combine(data, "tollgate.db")));
    }
}
