using System.Collections.Immutable;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

public sealed class ConfigValidatorTests
{
    private static readonly Integration MockIntegration = new() { Type = IntegrationType.Mock };

    private static Api Api(string id = "orders", params Resource[] resources) => new()
    {
        Id = id,
        Stages = [new Stage { StageName = "prod" }],
        Resources = [.. resources],
    };

    private static Resource Resource(string path, Method? method = null) => new()
    {
        Path = path,
        Methods = ImmutableDictionary<string, Method>.Empty.Add((method ?? Get()).HttpMethod, method ?? Get()),
    };

    private static Method Get(Integration? integration = null) => new() { HttpMethod = "GET", Integration = integration ?? MockIntegration };

    private static Integration Http(string uri, params (string Key, string Value)[] parameters) => new()
    {
        Type = IntegrationType.Http,
        Uri = uri,
        RequestParameters = parameters.ToImmutableDictionary(p => p.Key, p => p.Value),
    };

    private static string[] Validate(GatewayConfig config)
    {
        var diagnostics = new DiagnosticBag();
        ConfigValidator.Validate(config, diagnostics);
        return [.. diagnostics.Items.Select(d => d.ToString())];
    }

    private static string[] Validate(params Api[] apis) => Validate(new GatewayConfig { Apis = [.. apis] });

    private static string[] ValidateStage(Stage stage) => Validate(Api() with { Stages = [stage] });

    [Fact]
    public void Validate_ValidConfig_NoDiagnostics() =>
        Assert.Empty(Validate(new GatewayConfig
        {
            Apis = [Api("orders", Resource("/"), Resource("/pets/{petId}"), Resource("/files/{proxy+}"))],
            DomainNames = [new DomainName { Name = "api.example.com", BasePathMappings = [new BasePathMapping { BasePath = "shop/v2", RestApiId = "orders", Stage = "prod" }] }],
        }));

    [Theory]
    [InlineData("live")]
    [InlineData("Prod_2-b")]
    public void Validate_GoodStageName_Accepted(string name) => Assert.Empty(ValidateStage(new Stage { StageName = name }));

    [Theory]
    [InlineData("")]
    [InlineData("pr od")]
    [InlineData("v1.0")]
    [InlineData("$default")]
    public void Validate_BadStageName_Error(string name) =>
        Assert.Equal([$"error: API 'orders', stage '{name}': a stage name must be 1 to 128 letters, digits, '-' or '_'."], ValidateStage(new Stage { StageName = name }));

    [Fact]
    public void Validate_StageName129Chars_Error() => Assert.Single(ValidateStage(new Stage { StageName = new string('a', 129) }));

    [Fact]
    public void Validate_DefaultStageOnHttpApi_Accepted() =>
        Assert.Empty(Validate(Api() with { Protocol = ApiProtocol.Http, Stages = [new Stage { StageName = "$default" }] }));

    [Fact]
    public void Validate_DuplicateStageName_Error() =>
        Assert.Equal(["error: API 'orders', stage 'prod': the stage name is used more than once."],
            Validate(Api() with { Stages = [new Stage { StageName = "prod" }, new Stage { StageName = "prod" }] }));

    [Fact]
    public void Validate_DuplicateApiId_Error() =>
        Assert.Equal(["error: API 'orders': the API id is used more than once."], Validate(Api(), Api()));

    [Fact]
    public void Validate_StageVariables_NameValueAndCountRules()
    {
        var variables = ImmutableDictionary<string, string>.Empty
            .Add("backend", "http://127.0.0.1:9000/a?b=c&d=e,f#g~h")
            .Add("bad-name", "x")
            .Add("spaces", "a b")
            .Add("long", new string('a', 513))
            .Add(new string('n', 65), "x");
        Assert.Equal(
            [
                "error: API 'orders', stage 'prod': stage variable name 'bad-name' must be 1 to 64 letters, digits or '_'.",
                "error: API 'orders', stage 'prod': stage variable 'long' is 513 characters; at most 512.",
                $"error: API 'orders', stage 'prod': stage variable name '{new string('n', 65)}' must be 1 to 64 letters, digits or '_'.",
                "error: API 'orders', stage 'prod': stage variable 'spaces' value 'a b' may only hold letters, digits and -._~:/?#&=,",
            ],
            ValidateStage(new Stage { StageName = "prod", Variables = variables }));
    }

    [Fact]
    public void Validate_TooManyStageVariables_Error()
    {
        var variables = Enumerable.Range(0, 101).ToImmutableDictionary(i => "v" + i, _ => "x");
        Assert.Equal(["error: API 'orders', stage 'prod': 101 stage variables; at most 100."], ValidateStage(new Stage { StageName = "prod", Variables = variables }));
    }

    [Fact]
    public void Validate_DomainNames_HostNameUniquenessAndMappings()
    {
        var config = new GatewayConfig
        {
            Apis = [Api()],
            DomainNames =
            [
                new DomainName
                {
                    Name = "api.example.com",
                    BasePathMappings =
                    [
                        new BasePathMapping { BasePath = "", RestApiId = "orders", Stage = "prod" },
                        new BasePathMapping { BasePath = "v1", RestApiId = "billing", Stage = "prod" },
                        new BasePathMapping { BasePath = "v2", RestApiId = "orders", Stage = "beta" },
                        new BasePathMapping { BasePath = "v2", RestApiId = "orders", Stage = "prod" },
                        new BasePathMapping { BasePath = "a//b", RestApiId = "orders", Stage = "prod" },
                    ],
                },
                new DomainName { Name = "API.example.com" },
                new DomainName { Name = "-bad-.example.com" },
                new DomainName { Name = "*.example.org" },
            ],
        };
        Assert.Equal(
            [
                "error: domain name 'api.example.com', base path 'v1': API 'billing' is not defined.",
                "error: domain name 'api.example.com', base path 'v2': API 'orders' has no stage 'beta'.",
                "error: domain name 'api.example.com', base path 'v2': the base path is mapped more than once.",
                "error: domain name 'api.example.com', base path 'a//b': a base path is segments of letters, digits and ._~- separated by '/'.",
                "error: domain name 'API.example.com': the domain name is declared more than once.",
                "error: domain name '-bad-.example.com': not a valid host name (labels of letters, digits and '-', optionally '*.' first).",
            ],
            Validate(config));
    }

    [Fact]
    public void Validate_ServerSettings_Checked() =>
        Assert.Equal(
            [
                "error: server: maxRequestBodyBytes must be positive, not 0.",
                "error: server: maxTemplateMemoryBytes must be positive, not -1.",
                "error: server: listen 'tcp://0.0.0.0:80' is not an http:// or https:// URL.",
                "error: server: listen '0.0.0.0:8080' is not an http:// or https:// URL.",
            ],
            Validate(new GatewayConfig { Server = new ServerSettings { MaxRequestBodyBytes = 0, MaxTemplateMemoryBytes = -1, Listen = ["http://0.0.0.0:8080", "tcp://0.0.0.0:80", "0.0.0.0:8080"] } }));

    [Fact]
    public void Validate_UndefinedAuthorizerValidatorAndModel_ErrorsNameMethod()
    {
        var method = new Method
        {
            HttpMethod = "POST",
            AuthorizationType = "CUSTOM",
            AuthorizerId = "jwt",
            RequestValidatorId = "strict",
            RequestModels = ImmutableDictionary<string, string>.Empty.Add("application/json", "Pet"),
            Integration = MockIntegration,
        };
        Assert.Equal(
            [
                "error: API 'petstore', method 'POST /pets/{id}': authorizer 'jwt' is not defined.",
                "error: API 'petstore', method 'POST /pets/{id}': request validator 'strict' is not defined in x-amazon-apigateway-request-validators.",
                "error: API 'petstore', method 'POST /pets/{id}': model 'Pet' (request body 'application/json') is not defined.",
                "error: API 'petstore': default request validator 'all' is not defined in x-amazon-apigateway-request-validators.",
            ],
            Validate(Api("petstore", Resource("/pets/{id}", method)) with { DefaultRequestValidator = "all" }));
    }

    [Theory]
    [InlineData("/{proxy+}/x", "error: API 'orders', path '/{proxy+}/x': the greedy variable '{proxy+}' must be the last segment.")]
    [InlineData("/a//b", "error: API 'orders', path '/a//b': the path has an empty segment ('//' or a trailing '/').")]
    [InlineData("/a/", "error: API 'orders', path '/a/': the path has an empty segment ('//' or a trailing '/').")]
    [InlineData("/pets-{id}", "error: API 'orders', path '/pets-{id}': segment 'pets-{id}': a path variable must be a whole segment, '{name}' or '{name+}'.")]
    [InlineData("/{a b}", "error: API 'orders', path '/{a b}': segment '{a b}': a path variable name is letters, digits, '.', '-' and '_'.")]
    [InlineData("pets", "error: API 'orders', path 'pets': a path must start with '/'.")]
    public void Validate_BadPathTemplate_Error(string path, string message) =>
        Assert.Equal([message], Validate(Api("orders", Resource(path))));

    [Fact]
    public void Validate_SiblingVariablesInRestApi_Error() =>
        Assert.Equal(
            [
                "error: API 'orders', path '/pets/{petId}/toys': variable '{petId}' is a sibling of '{id}' (path '/pets/{id}'); API Gateway allows one variable path part under '/pets'.",
                "error: API 'orders', path '/pets/{proxy+}': variable '{proxy+}' is a sibling of '{id}' (path '/pets/{id}'); API Gateway allows one variable path part under '/pets'.",
            ],
            Validate(Api("orders", Resource("/pets/{id}"), Resource("/pets/{id}/owner"), Resource("/pets/{petId}/toys"), Resource("/pets/{proxy+}"), Resource("/users/{petId}"))));

    [Fact]
    public void Validate_SiblingVariablesInHttpApi_Accepted() =>
        Assert.Empty(Validate(Api("orders", Resource("/pets/{id}"), Resource("/pets/{petId}/toys")) with { Protocol = ApiProtocol.Http }));

    [Theory]
    [InlineData("http://backend:8080/pets")]
    [InlineData("https://backend.example.com/pets/{id}")]
    [InlineData("http://${stageVariables.host}/pets")]
    [InlineData("${stageVariables.backend}/pets")]
    public void Validate_GoodHttpUri_Accepted(string uri) =>
        Assert.Empty(Validate(Api("orders", Resource("/pets/{id}", Get(Http(uri))))));

    [Theory]
    [InlineData("backend/pets", "integration uri 'backend/pets' is not an absolute http:// or https:// URL.")]
    [InlineData("ftp://backend/pets", "integration uri 'ftp://backend/pets' is not an absolute http:// or https:// URL.")]
    [InlineData("http://${stageVariables.my-host}/", "integration uri 'http://${stageVariables.my-host}/': a placeholder starting '${' must be '${stageVariables.name}' with a name of letters, digits and '_'.")]
    [InlineData("http://${host}/", "integration uri 'http://${host}/': a placeholder starting '${' must be '${stageVariables.name}' with a name of letters, digits and '_'.")]
    [InlineData("http://backend/{orderId}", "integration uri placeholder '{orderId}' is neither mapped by integration.request.path.orderId nor a path parameter of the method.")]
    public void Validate_BadHttpUri_Error(string uri, string message) =>
        Assert.Equal([$"error: API 'orders', method 'GET /pets/{{id}}': {message}"], Validate(Api("orders", Resource("/pets/{id}", Get(Http(uri))))));

    [Fact]
    public void Validate_UriPlaceholderMappedOrDeclared_Accepted()
    {
        var mapped = Get(Http("http://backend/orders/{orderId}", ("integration.request.path.orderId", "method.request.path.id")));
        var declared = Get(Http("http://backend/{q}")) with { RequestParameters = ImmutableDictionary<string, bool>.Empty.Add("method.request.path.q", true) };
        var greedy = Get(Http("http://backend/{proxy}"));
        Assert.Empty(Validate(Api("a", Resource("/pets/{id}", mapped)), Api("b", Resource("/x", declared)), Api("c", Resource("/{proxy+}", greedy))));
    }

    [Fact]
    public void Validate_HttpIntegrationWithoutUri_Error() =>
        Assert.Equal(["error: API 'orders', method 'GET /a': a HTTP_PROXY integration needs a uri."],
            Validate(Api("orders", Resource("/a", Get(new Integration { Type = IntegrationType.HttpProxy })))));

    [Fact]
    public void Validate_AwsProxyArnUri_NotCheckedAsUrl() =>
        Assert.Empty(Validate(Api("orders", Resource("/a", Get(new Integration
        {
            Type = IntegrationType.AwsProxy,
            Uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f:${stageVariables.alias}/invocations",
        })))));
}
