using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>The config's part in importing real exports (issue 19): protocolType, region and account, the Lambda endpoint option.</summary>
public sealed class ConfigLoaderImportTests : IDisposable
{
    private const string LambdaExport = """
        openapi: 3.0.1
        info: { title: Hello API, version: 1 }
        paths:
          /hello:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:hello/invocations
                payloadFormatVersion: 1.0
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-import-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderImportTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Integration OnlyIntegration(Api api) => Assert.Single(Assert.Single(api.Resources).Methods).Value.Integration!;

    [Fact]
    public void Load_RegionAndAccount_FillPseudoParametersOfDefinitions()
    {
        Write("hello.yaml", LambdaExport);
        var result = ConfigLoader.Load(Write("gateway.yaml", """
            region: eu-west-1
            accountId: "123456789012"
            apis:
              - { name: hello, definition: hello.yaml }
            """), LoadOptions.Default);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var api = Assert.Single(result.Config!.Apis);
        Assert.Equal(ApiProtocol.Http, api.Protocol); // payloadFormatVersion, written as a YAML number
        Assert.Equal("1.0", OnlyIntegration(api).PayloadFormatVersion);
        Assert.Equal("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:hello/invocations", OnlyIntegration(api).Uri);
    }

    [Theory]
    [InlineData("REST", ApiProtocol.Rest)]
    [InlineData("http", ApiProtocol.Http)]
    public void Load_ProtocolType_DecidesTheProtocol(string written, ApiProtocol expected)
    {
        Write("hello.yaml", LambdaExport);
        var result = ConfigLoader.Load(Write("gateway.yaml", $"apis:\n  - {{ name: hello, definition: hello.yaml, protocolType: {written} }}\n"), LoadOptions.Default);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal(expected, Assert.Single(result.Config!.Apis).Protocol);
    }

    [Fact]
    public void Load_BadProtocolType_ErrorNamesTheApi()
    {
        Write("hello.yaml", LambdaExport);
        var result = ConfigLoader.Load(Write("gateway.yaml", "apis:\n  - { name: hello, definition: hello.yaml, protocolType: WEBSOCKET }\n"), LoadOptions.Default);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.EndsWith("gateway.yaml', apis[0]", error.Location, StringComparison.Ordinal);
        Assert.Equal("'protocolType' 'WEBSOCKET' is not one of REST, HTTP.", error.Message);
    }

    [Fact]
    public void Load_BareYamlWithUnquotedSwaggerVersionAndTemplatedBasePath_ServedUnderProd()
    {
        var path = Write("export.yaml", """
            swagger: 2.0
            info: { title: Pets, version: 1 }
            basePath: /${environment}
            paths:
              /pets:
                get:
                  x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal("prod", Assert.Single(Assert.Single(result.Config!.Apis).Stages).StageName);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.StartsWith("basePath '/${environment}' is not a valid stage name", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LambdaEndpointOption_ReplacesLambdaEndpoint()
    {
        Write("hello.yaml", LambdaExport);
        var path = Write("gateway.yaml", "lambda: { endpoint: \"http://127.0.0.1:1\" }\napis:\n  - { name: hello, definition: hello.yaml }\n");
        var result = ConfigLoader.Load(path, new LoadOptions { LambdaEndpoint = "http://127.0.0.1:9001" });
        Assert.Equal("http://127.0.0.1:9001", result.Config!.Lambda.Endpoint);
        var bare = ConfigLoader.Load(Path.Combine(_directory, "hello.yaml"), new LoadOptions { LambdaEndpoint = "http://127.0.0.1:9002" });
        Assert.Equal("http://127.0.0.1:9002", bare.Config!.Lambda.Endpoint);
    }

    [Fact]
    public void Load_LambdaEndpointOptionNotAUrl_Error()
    {
        Write("hello.yaml", LambdaExport);
        var result = ConfigLoader.Load(Path.Combine(_directory, "hello.yaml"), new LoadOptions { LambdaEndpoint = "localhost:9001" });
        Assert.True(result.HasErrors);
        Assert.Contains("error: --lambda-endpoint: 'localhost:9001' must be an absolute http or https URL.", result.Diagnostics.Select(d => d.ToString()));
    }
}
