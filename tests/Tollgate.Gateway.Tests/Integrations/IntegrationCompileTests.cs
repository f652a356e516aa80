using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Tests.Integrations;

public sealed class IntegrationCompileTests
{
    private static readonly ImmutableDictionary<string, string> Empty = ImmutableDictionary<string, string>.Empty;

    internal static GatewayServices Services()
    {
        var time = new FakeTimeProvider();
        return new GatewayServices(time, NullLoggerFactory.Instance, new HttpForwarder(time, NullLogger<HttpForwarder>.Instance), new LambdaClient(time, NullLogger.Instance));
    }

    private static DiagnosticBag Compile(params (string Path, string Method, Integration Integration, Func<Method, Method>? Change)[] methods) =>
        Compile(a => a, methods);

    private static DiagnosticBag Compile(Func<Api, Api> change, params (string Path, string Method, Integration Integration, Func<Method, Method>? Change)[] methods)
    {
        var resources = methods.Select(m =>
        {
            var method = new Method { HttpMethod = m.Method, Integration = m.Integration };
            return new Resource { Path = m.Path, Methods = ImmutableDictionary<string, Method>.Empty.Add(m.Method, m.Change is null ? method : m.Change(method)) };
        });
        var api = change(new Api { Id = "api", Resources = [.. resources], Stages = [new Stage { StageName = "prod" }] });
        var diagnostics = new DiagnosticBag();
        SnapshotCompiler.Compile(new GatewayConfig { Apis = [api] }, Services(), diagnostics);
        return diagnostics;
    }

    private static Integration Mock(string requestTemplate = "{\"statusCode\": 200}", string? responseTemplate = null, ImmutableDictionary<string, string>? responseParameters = null) => new()
    {
        Type = IntegrationType.Mock,
        RequestTemplates = Empty.Add("application/json", requestTemplate),
        Responses =
        [
            new IntegrationResponse
            {
                SelectionPattern = "default",
                StatusCode = "200",
                ResponseTemplates = responseTemplate is null ? Empty : Empty.Add("application/json", responseTemplate),
                ResponseParameters = responseParameters ?? Empty,
            },
        ],
    };

    [Fact]
    public void Compile_RequestTemplateSyntaxError_NamesApiMethodContentTypeLineAndColumn()
    {
        var diagnostics = Compile(("/t", "POST", Mock("{\n  \"a\": #if($x\n}"), null));

        var error = Assert.Single(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("API 'api', method 'POST /t', request template 'application/json'", error.Location);
        Assert.StartsWith("line 3, column 1: Expected ')'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ResponseTemplateSyntaxError_NamesTheIntegrationResponse()
    {
        var diagnostics = Compile(("/t", "GET", Mock(responseTemplate: "#foreach($a in)\n#end"), null));

        var error = Assert.Single(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("API 'api', method 'GET /t', integration response 'default', response template 'application/json'", error.Location);
        Assert.StartsWith("line 1, column ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ValidTemplates_NoDiagnostics()
    {
        var diagnostics = Compile(("/t", "GET", Mock(responseTemplate: "#set($x = $input.path('$'))\n{\"a\": \"$x.a\"}"), null));
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Compile_IntegrationResponseSourceOnMock_WarnsAndLeavesHeaderOut()
    {
        var diagnostics = Compile(("/t", "GET", Mock(responseParameters: Empty.Add("method.response.header.X", "integration.response.header.Y")), null));
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("MOCK integration has no integration response", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnknownIntegrationResponseSource_IsAnError()
    {
        var http = new Integration
        {
            Type = IntegrationType.Http,
            Uri = "http://backend.example/x",
            Responses = [new IntegrationResponse { SelectionPattern = "default", StatusCode = "200", ResponseParameters = Empty.Add("method.response.header.X", "integration.response.status") }],
        };
        var diagnostics = Compile(("/t", "GET", http, null));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("integration.response.header.Name, integration.response.body or integration.response.body.JSONPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_AwsProxyWithoutFunctionInUri_IsAnError()
    {
        var proxy = new Integration { Type = IntegrationType.AwsProxy, Uri = "arn:aws:apigateway:eu-west-1:s3:path/bucket" };
        var diagnostics = Compile(("/t", "GET", proxy, null));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("API 'api', method 'GET /t'", error.Location);
        Assert.Contains("does not name a Lambda function", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ModelsOfAnApi_CompiledOnceForAllItsMethods()
    {
        // A broken model is reported once, though two methods validate bodies against it.
        Method Validated(Method m) => m with { RequestValidatorId = "body", RequestModels = Empty.Add("application/json", "Broken") };
        var diagnostics = Compile(
            api => api with
            {
                Models = ImmutableDictionary<string, JsonElement>.Empty.Add("Broken", JsonDocument.Parse("{\"type\": 12}").RootElement.Clone()),
                RequestValidators = ImmutableDictionary<string, RequestValidator>.Empty.Add("body", new RequestValidator { ValidateRequestBody = true }),
            },
            ("/a", "POST", Mock(), Validated),
            ("/b", "POST", Mock(), Validated));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("API 'api', model 'Broken'", error.Location);
    }
}
