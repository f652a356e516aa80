using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

public sealed class HttpApiValidationTests
{
    private static Api HttpApi(params Resource[] resources) => new()
    {
        Id = "notes",
        Protocol = ApiProtocol.Http,
        Stages = [new Stage { StageName = "$default" }],
        Resources = [.. resources],
    };

    private static Resource Route(string path, string method, Integration integration) => new()
    {
        Path = path,
        Methods = ImmutableDictionary<string, Method>.Empty.Add(method, new Method { HttpMethod = method, Integration = integration }),
    };

    private static Integration Proxy(string version = "1.0", params (string Key, string Value)[] request) => new()
    {
        Type = IntegrationType.HttpProxy,
        Uri = "https://backend.example.com/x",
        PayloadFormatVersion = version,
        RequestParameters = request.ToImmutableDictionary(p => p.Key, p => p.Value),
    };

    private static string[] Validate(Api api)
    {
        var diagnostics = new DiagnosticBag();
        ConfigValidator.Validate(new GatewayConfig { Apis = [api] }, diagnostics);
        return [.. diagnostics.Items.Select(d => d.ToString())];
    }

    [Fact]
    public void Validate_WellFormedHttpApi_NoDiagnostics() =>
        Assert.Empty(Validate(HttpApi(Route("/notes/{id}", "GET", Proxy()), Route("$default", "ANY", Proxy()))));

    [Fact]
    public void Validate_DefaultRouteWithAMethod_Error() =>
        Assert.Equal(
            ["error: API 'notes', route '$default': the $default route has no method of its own: declare it as x-amazon-apigateway-any-method, not 'get'."],
            Validate(HttpApi(Route("$default", "GET", Proxy()))));

    [Fact]
    public void Validate_HttpProxyWithPayload2_Error() =>
        Assert.Equal(
            ["error: API 'notes', route 'GET /notes': HTTP_PROXY integrations use payload format 1.0, not 2.0."],
            Validate(HttpApi(Route("/notes", "GET", Proxy("2.0")))));

    [Theory]
    [InlineData(IntegrationType.Http, "HTTP")]
    [InlineData(IntegrationType.Aws, "AWS")]
    public void Validate_RestOnlyIntegration_Error(IntegrationType type, string name) =>
        Assert.Equal(
            [$"error: API 'notes', route 'GET /notes': HTTP APIs integrate with AWS_PROXY (Lambda) or HTTP_PROXY; {name} integrations, with their mapping templates, exist only in REST APIs."],
            Validate(HttpApi(Route("/notes", "GET", new Integration { Type = type, Uri = "https://backend.example.com/x" }))));

    [Fact]
    public void Validate_BadMapping_ErrorNamesRoute() =>
        Assert.Equal(
            ["error: API 'notes', route 'GET /notes': request parameter 'overwrite:header.Host': 'Host' is a reserved header that HTTP APIs do not let mappings change."],
            Validate(HttpApi(Route("/notes", "GET", Proxy("1.0", ("overwrite:header.Host", "x"))))));

    [Fact]
    public void Validate_BadCors_ErrorNamesApi()
    {
        using var cors = JsonDocument.Parse("""{"allowOrigins": ["*"], "allowCredentials": true}""");
        Assert.Equal(
            ["error: API 'notes': x-amazon-apigateway-cors: allowCredentials is not supported when allowOrigins has '*' (API Gateway refuses this too); list the origins."],
            Validate(HttpApi(Route("/notes", "GET", Proxy())) with { Cors = cors.RootElement.Clone() }));
    }

    [Fact]
    public void Validate_GatewayResponsesOnHttpApi_Warning()
    {
        var api = HttpApi(Route("/notes", "GET", Proxy())) with
        {
            GatewayResponses = ImmutableDictionary<GatewayResponseType, GatewayResponse>.Empty.Add(GatewayResponseType.DEFAULT_4XX, new GatewayResponse()),
        };
        Assert.StartsWith("warning: API 'notes': HTTP APIs have no gateway responses", Assert.Single(Validate(api)), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BareHttpApiExport_ServedOnDefaultStage()
    {
        var path = Path.Combine(Support.Golden.FixturesDirectory, "openapi", "notes-http-api.json");
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal("$default", Assert.Single(Assert.Single(result.Config!.Apis).Stages).StageName);
    }
}
