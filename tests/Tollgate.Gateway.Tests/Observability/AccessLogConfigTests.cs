using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Observability;
using Tollgate.Gateway.Tests.Integrations;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Tests.Observability;

/// <summary>accessLogSettings, accessLogs and logDestinations read from a config file and compiled.</summary>
public sealed class AccessLogConfigTests : IDisposable
{
    private const string Definition = """
        {
          "swagger": "2.0",
          "info": {"title": "Orders", "version": "1"},
          "paths": {
            "/orders": {
              "get": {
                "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}
              }
            }
          }
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-accesslog-" + Guid.NewGuid().ToString("N"));

    public AccessLogConfigTests()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "orders.json"), Definition);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private LoadResult Load(string accessLogSettings, string topLevel = "")
    {
        var path = Path.Combine(_directory, "gateway.yaml");
        File.WriteAllText(path, $$"""
            apis:
              - name: orders
                definition: orders.json
                stages:
                  - stageName: live
                    accessLogSettings: {{accessLogSettings}}
            {{topLevel}}
            """);
        return ConfigLoader.Load(path, LoadOptions.Default);
    }

    /// <summary>Loads, then compiles; every problem of both, as validate and a reload report them.</summary>
    private static (GatewaySnapshot? Snapshot, string Problems) Compile(LoadResult result)
    {
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(result.Diagnostics);
        var snapshot = result.Config is null ? null : SnapshotCompiler.Compile(result.Config, IntegrationCompileTests.Services(), diagnostics);
        return (snapshot, string.Join("\n", diagnostics.Items));
    }

    [Fact]
    public void Load_StageSettingsAndTopLevelKeys_ReadAsWritten()
    {
        var result = Load(
            """{ destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:orders", format: "$context.requestId $context.status" }""",
            """
            accessLogs: { maxFileBytes: 2048, maxFiles: 3, queueLines: 50 }
            logDestinations:
              "arn:aws:logs:eu-west-1:123456789012:log-group:orders": "file:///var/log/tollgate/orders.log"
            """);

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var config = result.Config!;
        Assert.Equal(
            new AccessLogSettings { DestinationArn = "arn:aws:logs:eu-west-1:123456789012:log-group:orders", Format = "$context.requestId $context.status" },
            config.Apis[0].Stages[0].AccessLogSettings);
        Assert.Equal(new AccessLogOptions { MaxFileBytes = 2048, MaxFiles = 3, QueueLines = 50 }, config.AccessLogs);
        Assert.Equal("file:///var/log/tollgate/orders.log", config.LogDestinations["arn:aws:logs:eu-west-1:123456789012:log-group:orders"]);
    }

    [Fact]
    public void Load_NoSettings_NoAccessLogAndDefaults()
    {
        var path = Path.Combine(_directory, "plain.yaml");
        File.WriteAllText(path, "apis:\n  - name: orders\n    definition: orders.json\n");
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        var (snapshot, problems) = Compile(result);

        Assert.Equal("", problems);
        Assert.Null(result.Config!.Apis[0].Stages[0].AccessLogSettings);
        Assert.Equal(new AccessLogOptions { MaxFileBytes = 100L * 1024 * 1024, MaxFiles = 10, QueueLines = 10_000 }, result.Config.AccessLogs);
        Assert.True(snapshot!.Router.TryRoute("localhost", "/prod/orders", out var route));
        Assert.Null(route.Stage.AccessLog);
    }

    [Theory]
    [InlineData("$context.requestId $context.statuss", "column 20: '$context.statuss' is not a $context variable API Gateway defines.")]
    [InlineData("$context.requestId [$context.requestTime] $input.body", "column 43: '$input.body' is not a $context variable; access logs may use only $context variables.")]
    [InlineData("$context.status $context.responseLength", "the format must contain $context.requestId or $context.extendedRequestId, as in API Gateway.")]
    [InlineData("$context.requestId $context.", "column 20: '$context.' is not a $context variable API Gateway defines.")]
    public void Compile_BrokenFormat_ErrorNamesStageAndColumn(string format, string message)
    {
        var (snapshot, problems) = Compile(Load($$"""{ destinationArn: stdout, format: '{{format}}' }"""));

        Assert.Null(snapshot);
        Assert.Equal($"error: API 'orders', stage 'live', accessLogSettings: format {message}", problems);
    }

    [Theory]
    [InlineData("arn:aws:logs:eu-west-1:123456789012:log-group:nowhere", "destinationArn 'arn:aws:logs:eu-west-1:123456789012:log-group:nowhere' is not in logDestinations; map it to stdout or a file:/// path.")]
    [InlineData("file://relative.log", "destinationArn 'file://relative.log' must be stdout, a file:///absolute/path or an ARN mapped in logDestinations.")]
    [InlineData("/var/log/x.log", "destinationArn '/var/log/x.log' must be stdout, a file:///absolute/path or an ARN mapped in logDestinations.")]
    [InlineData("arn:aws:logs:eu-west-1:123456789012:log-group:bad", "logDestinations maps 'arn:aws:logs:eu-west-1:123456789012:log-group:bad' to 'syslog', which is neither stdout nor a file:///absolute/path.")]
    public void Compile_BadDestination_ErrorNamesIt(string destination, string message)
    {
        var (snapshot, problems) = Compile(Load(
            $$"""{ destinationArn: "{{destination}}", format: "$context.requestId" }""",
            """logDestinations: { "arn:aws:logs:eu-west-1:123456789012:log-group:bad": syslog }"""));

        Assert.Null(snapshot);
        Assert.Equal($"error: API 'orders', stage 'live', accessLogSettings: {message}", problems);
    }

    [Theory]
    [InlineData("{ format: \"$context.requestId\" }", "'destinationArn' is missing.")]
    [InlineData("{ destinationArn: stdout, format: \"$context.requestId\", level: INFO }", "unknown key 'level'")]
    public void Load_BadSettingsShape_Error(string settings, string message)
    {
        var result = Load(settings);

        Assert.True(result.HasErrors);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("maxFileBytes: 100", "'maxFileBytes' 100 must be at least 1024.")]
    [InlineData("maxFiles: 0", "'maxFiles' 0 must be between 1 and 1000.")]
    [InlineData("queueLines: 0", "'queueLines' 0 must be between 1 and 1000000.")]
    public void Load_LimitOutOfRange_Error(string limit, string message)
    {
        var result = Load("{ destinationArn: stdout, format: \"$context.requestId\" }", $"accessLogs: {{ {limit} }}");

        Assert.Contains(result.Diagnostics, d => d.Message == message);
    }

    [Fact]
    public void Compile_TwoStagesOneFile_ShareOneWriter()
    {
        var file = "file://" + Path.Combine(_directory, "shared.log");
        var path = Path.Combine(_directory, "gateway.yaml");
        File.WriteAllText(path, $$"""
            apis:
              - name: orders
                definition: orders.json
                stages:
                  - stageName: live
                    accessLogSettings: { destinationArn: "{{file}}", format: "$context.requestId" }
                  - stageName: beta
                    accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:1:log-group:beta", format: "$context.extendedRequestId" }
            logDestinations: { "arn:aws:logs:eu-west-1:1:log-group:beta": "{{file}}" }
            """);
        var (snapshot, problems) = Compile(ConfigLoader.Load(path, LoadOptions.Default));

        Assert.Equal("", problems);
        Assert.True(snapshot!.Router.TryRoute("localhost", "/live/orders", out var live));
        Assert.True(snapshot.Router.TryRoute("localhost", "/beta/orders", out var beta));
        Assert.Same(live.Stage.AccessLog!.Writer, beta.Stage.AccessLog!.Writer);
        Assert.Equal(Path.Combine(_directory, "shared.log"), live.Stage.AccessLog.Writer.Destination);
    }

    [Fact]
    public void Parse_HttpApiFormatOver1024_Error()
    {
        var format = "$context.requestId " + new string('x', 1006);

        Assert.NotNull(AccessLogFormat.Parse(format[..1024], httpApi: true, out _));
        Assert.Null(AccessLogFormat.Parse(format, httpApi: true, out var error));
        Assert.Equal("the format is 1025 characters long; an HTTP API's is at most 1024.", error);
        Assert.NotNull(AccessLogFormat.Parse(format, httpApi: false, out _));
    }

    [Fact]
    public void Parse_LineBreakInside_ErrorTrailingOneIgnored()
    {
        Assert.NotNull(AccessLogFormat.Parse("$context.requestId\n", httpApi: false, out _));
        Assert.Null(AccessLogFormat.Parse("$context.requestId\n$context.status", httpApi: false, out var error));
        Assert.Equal("column 19: a line break; the format must be a single line.", error);
    }
}
