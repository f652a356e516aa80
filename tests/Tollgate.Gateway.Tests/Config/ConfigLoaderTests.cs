using System.Collections.Immutable;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Config;

public sealed partial class ConfigLoaderTests : IDisposable
{
    private const string Definition = """
        {
          "swagger": "2.0",
          "info": {"title": "Orders API", "version": "1"},
          "basePath": "/v1",
          "paths": {
            "/orders/{id}": {
              "get": {
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "x-amazon-apigateway-integration": {
                  "type": "http_proxy", "httpMethod": "GET",
                  "uri": "${stageVariables.backend}/orders/{id}"
                }
              }
            }
          }
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-loader-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Diagnostics as text, with the temp directory removed so that expectations read plainly.</summary>
    private string[] Lines(LoadResult result) =>
        [.. result.Diagnostics.Select(d => d.ToString().Replace(_directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))];

    [Fact]
    public void Load_ConfigFileWithDefinitions_BuildsConfig()
    {
        Write("apis/orders.json", Definition);
        var path = Write("gateway.yaml", """
            server:
              listen: [ "http://0.0.0.0:8080" ]
              maxRequestBodyBytes: 1048576
              maxTemplateMemoryBytes: 33554432
              drainTimeoutSeconds: 5
              upgradeProtocols: [ websocket, my-protocol ]
            apis:
              - name: orders
                definition: apis/orders.json
                stages:
                  - stageName: live
                    description: the live stage
                    variables: { backend: "http://127.0.0.1:9000", port: 9000, tls: false }
                  - stageName: beta
              - name: orders-copy
                definition: apis/orders.json
            domainNames:
              - domainName: api.example.com
                basePathMappings:
                  - { basePath: "shop/v2", restApiId: orders, stage: live }
                  - { basePath: "(none)", restApiId: orders-copy, stage: v1 }
                  - { restApiId: orders, stage: beta, basePath: "/beta/" }
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);

        Assert.False(result.HasErrors, string.Join("\n", Lines(result)));
        Assert.Empty(result.Diagnostics);
        var config = result.Config!;
        Assert.Equal<string>(["http://0.0.0.0:8080"], config.Server.Listen);
        Assert.Equal(1048576, config.Server.MaxRequestBodyBytes);
        Assert.Equal(33554432, config.Server.MaxTemplateMemoryBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Server.DrainTimeout);
        Assert.Equal<string>(["websocket", "my-protocol"], config.Server.UpgradeProtocols);

        Assert.Equal(["orders", "orders-copy"], config.Apis.Select(a => a.Id));
        var orders = config.Apis[0];
        Assert.Equal("Orders API", orders.Name);
        Assert.Equal(["live", "beta"], orders.Stages.Select(s => s.StageName));
        Assert.Equal("the live stage", orders.Stages[0].Description);
        Assert.Equal("http://127.0.0.1:9000", orders.Stages[0].Variables["backend"]);
        Assert.Equal("9000", orders.Stages[0].Variables["port"]);
        Assert.Equal("false", orders.Stages[0].Variables["tls"]);
        Assert.Equal(["v1"], config.Apis[1].Stages.Select(s => s.StageName)); // no stages: the definition's basePath

        var domain = Assert.Single(config.DomainNames);
        Assert.Equal("api.example.com", domain.Name);
        Assert.Equal(["shop/v2", "", "beta"], domain.BasePathMappings.Select(m => m.BasePath));

        Assert.Equal<string>([path, Path.Combine(_directory, "apis", "orders.json")], result.SourceFiles);
    }

    [Theory]
    [InlineData("", "websocket")]
    [InlineData("server: { upgradeProtocols: [] }\n", "")]
    [InlineData("server: { upgradeProtocols: [ WebSocket ] }\n", "WebSocket")]
    public void Load_UpgradeProtocols_DefaultWebSocketOrAsListed(string server, string expected)
    {
        Write("orders.json", Definition);
        var result = ConfigLoader.Load(Write("gateway.yaml", server + "apis:\n  - name: orders\n    definition: orders.json\n"), LoadOptions.Default);

        Assert.Empty(Lines(result));
        Assert.Equal(expected, string.Join(",", result.Config!.Server.UpgradeProtocols));
    }

    [Fact]
    public void Load_UpgradeProtocolsNotTokensOrH2c_Errors()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            server: { upgradeProtocols: [ websocket, "web socket", "websocket/13", H2C, 7 ] }
            apis:
              - name: orders
                definition: orders.json
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "error: config 'gateway.yaml', server: 'server.upgradeProtocols[4]' must be a string, not a number.",
                "error: server: upgradeProtocols: 'web socket' is not a protocol name (a token such as 'websocket').",
                "error: server: upgradeProtocols: 'websocket/13' is not a protocol name (a token such as 'websocket').",
                "error: server: upgradeProtocols: 'h2c' cannot be tunnelled; backends are reached over HTTP/2 by ALPN (https://) only.",
            ],
            Lines(result));
    }

    [Fact]
    public void Load_JsonConfigFile_Accepted()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.json", """{"apis": [{"name": "orders", "definition": "orders.json", "stages": [{"stageName": "prod"}]}]}""");
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("prod", Assert.Single(Assert.Single(result.Config!.Apis).Stages).StageName);
    }

    [Fact]
    public void Load_ApiWithoutStagesOrBasePath_Prod()
    {
        Write("orders.json", Definition.Replace("\"basePath\": \"/v1\",", "", StringComparison.Ordinal));
        var result = ConfigLoader.Load(Write("gateway.yaml", "apis:\n  - name: orders\n    definition: orders.json\n"), LoadOptions.Default);
        Assert.Equal("prod", Assert.Single(Assert.Single(result.Config!.Apis).Stages).StageName);
    }

    [Fact]
    public void Load_UnknownKeysAnywhere_ErrorsNameKeyAndObject()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            server: { listen: [], port: 80 }
            apis:
              - name: orders
                definition: orders.json
                stage: live
                stages:
                  - stageName: live
                    varables: { a: b }
            domainNames:
              - domainName: api.example.com
                basePathMappings:
                  - { basePath: "", restApiId: orders, stage: live, api: x }
            apiKey: []
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        Assert.Equal(
            [
                "error: config 'gateway.yaml', server: unknown key 'port'; expected one of listen, adminListen, maxRequestBodyBytes, maxTemplateMemoryBytes, drainTimeoutSeconds, keepAliveTimeoutSeconds, maxConnections, maxUpgradedConnections, maxConcurrentRequestsPerBackend, upgradeProtocols.",
                "error: config 'gateway.yaml', apis[0].stages[0]: unknown key 'varables'; expected one of stageName, description, variables, methodSettings, tracingEnabled, accessLogSettings.",
                "error: config 'gateway.yaml', apis[0]: unknown key 'stage'; expected one of name, definition, protocolType, stages.",
                "error: config 'gateway.yaml', domainNames[0].basePathMappings[0]: unknown key 'api'; expected one of basePath, restApiId, stage.",
                "error: config 'gateway.yaml': unknown key 'apiKey'; expected one of server, apis, domainNames, apiKeys, usagePlans, accountThrottle, region, accountId, jwks, iam, lambda, functions, accessLogs, logDestinations, telemetry.",
            ],
            Lines(result));
    }

    [Fact]
    public void Load_ConnectionLimits_ReadOrDefaulted()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            server: { keepAliveTimeoutSeconds: 15, maxConnections: 5000, maxUpgradedConnections: 100, maxConcurrentRequestsPerBackend: 64 }
            apis: [ { name: orders, definition: orders.json } ]
            """);
        var server = ConfigLoader.Load(path, LoadOptions.Default).Config!.Server;
        Assert.Equal(TimeSpan.FromSeconds(15), server.KeepAliveTimeout);
        Assert.Equal(5000, server.MaxConnections);
        Assert.Equal(100, server.MaxUpgradedConnections);
        Assert.Equal(64, server.MaxConcurrentRequestsPerBackend);

        var defaults = new Tollgate.Gateway.Model.ServerSettings();
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.KeepAliveTimeout);
        Assert.Null(defaults.MaxConnections);
        Assert.Null(defaults.MaxUpgradedConnections);
        Assert.Equal(1024, defaults.MaxConcurrentRequestsPerBackend);
    }

    [Fact]
    public void Load_AdminListen_ReadOrOff()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            server: { adminListen: "http://127.0.0.1:9901" }
            apis: [ { name: orders, definition: orders.json } ]
            """);
        Assert.Equal("http://127.0.0.1:9901", ConfigLoader.Load(path, LoadOptions.Default).Config!.Server.AdminListen);
        Assert.Null(new Tollgate.Gateway.Model.ServerSettings().AdminListen);
    }

    [Theory]
    [InlineData("http://[::1]:0")]
    [InlineData("http://0.0.0.0:9901/")]
    [InlineData("http://localhost:65535")]
    public void Load_AdminListenForms_Accepted(string url)
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", $$"""
            server: { adminListen: "{{url}}" }
            apis: [ { name: orders, definition: orders.json } ]
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Empty(Lines(result));
        Assert.Equal(url, result.Config!.Server.AdminListen);
    }

    [Theory]
    [InlineData("127.0.0.1:9901", "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.")]
    [InlineData("https://127.0.0.1:9901", "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.")]
    [InlineData("http://127.0.0.1", "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.")]
    [InlineData("http://127.0.0.1:9901/admin", "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.")]
    [InlineData("http://admin.internal:9901", "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.")]
    [InlineData("http://*:9901", "must be an http:// URL with an IP address or localhost and a port, e.g. http://127.0.0.1:9901.")]
    [InlineData("http://127.0.0.1:99999", "has a port beyond 65535.")]
    public void Load_AdminListenUnparsable_ErrorNamesKey(string url, string problem)
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", $$"""
            server: { adminListen: "{{url}}" }
            apis: [ { name: orders, definition: orders.json } ]
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        Assert.Equal([$"error: config 'gateway.yaml', server: 'adminListen' '{url}' {problem}"], Lines(result));
    }

    [Fact]
    public void Load_AdminListenNotString_ErrorNamesKey()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            server: { adminListen: 9901 }
            apis: [ { name: orders, definition: orders.json } ]
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        Assert.Equal(["error: config 'gateway.yaml', server: 'adminListen' must be a string, not a number."], Lines(result));
    }

    [Fact]
    public void Load_ConnectionLimitsOutOfRange_EachNamed()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            server: { keepAliveTimeoutSeconds: 0, maxConnections: 0, maxUpgradedConnections: -3, maxConcurrentRequestsPerBackend: 2000000 }
            apis: [ { name: orders, definition: orders.json } ]
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        const string at = "error: config 'gateway.yaml', server: ";
        Assert.Equal(
            [
                at + "'keepAliveTimeoutSeconds' 0 must be from 1 to 3600.",
                at + "'maxConnections' 0 must be from 1 to 1000000.",
                at + "'maxUpgradedConnections' -3 must be from 1 to 1000000.",
                at + "'maxConcurrentRequestsPerBackend' 2000000 must be from 1 to 1000000.",
            ],
            Lines(result));
    }

    [Fact]
    public void Load_WrongTypes_ErrorsNotExceptions()
    {
        var path = Write("gateway.yaml", """
            server: { listen: "http://0.0.0.0:80", maxRequestBodyBytes: "big", drainTimeoutSeconds: -1 }
            apis:
              - name: orders
                definition: [ orders.json ]
                stages: live
              - just a string
              - name: "bad name!"
                definition: missing.json
                stages:
                  - stageName: live
                    variables: { a: [1], b: ~ }
            domainNames: { domainName: x }
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        const string at = "error: config 'gateway.yaml'";
        Assert.Equal(
            [
                at + ", server: 'listen' must be a list, not a string.",
                at + ", server: 'maxRequestBodyBytes' must be an integer, not a string.",
                at + ", server: 'drainTimeoutSeconds' -1 must be 0 or more.",
                at + ", apis[0]: 'definition' must be a string, not a list.",
                at + ", apis[0]: 'stages' must be a list, not a string.",
                at + ", apis[1]: expected an object, not a string.",
                at + ", apis[2].stages[0]: 'variables.a' must be a string, not a list.",
                at + ", apis[2].stages[0]: 'variables.b' must be a string, not null.",
                at + ", apis[2]: API name 'bad name!' must be letters, digits, '-' and '_'.",
            ],
            Lines(result).Take(9));
        Assert.StartsWith("error: definition 'missing.json': cannot read", Lines(result)[9], StringComparison.Ordinal);
        Assert.Equal(at + ": 'domainNames' must be a list, not an object.", Lines(result)[10]);
        Assert.Contains(Path.Combine(_directory, "missing.json"), result.SourceFiles);
    }

    [Fact]
    public void Load_MissingRequiredKeys_Errors()
    {
        var path = Write("gateway.yaml", "apis:\n  - stages: []\n");
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Equal(
            [
                "error: config 'gateway.yaml', apis[0]: 'name' is missing.",
                "error: config 'gateway.yaml', apis[0]: 'definition' is missing.",
            ],
            Lines(result));
        Assert.Equal(["error: config 'empty.yaml': 'apis' is missing."], Lines(ConfigLoader.Load(Write("empty.yaml", "server: {}\n"), LoadOptions.Default)));
    }

    [Fact]
    public void Load_DefinitionErrors_CollectedWithValidatorErrors()
    {
        Write("bad.json", Definition.Replace("http_proxy", "htp", StringComparison.Ordinal));
        Write("good.yaml", "swagger: '2.0'\ninfo: {title: g}\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-request-validator: strict\n      x-amazon-apigateway-integration: {type: mock}\n");
        var path = Write("gateway.yaml", """
            apis:
              - { name: orders, definition: bad.json }
              - { name: other, definition: good.yaml, stages: [ { stageName: "x y" } ] }
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        Assert.Equal(
            [
                "error: API 'orders', definition 'bad.json', path '/orders/{id}', method 'GET': x-amazon-apigateway-integration.type 'htp' is not one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY.",
                "error: API 'other', stage 'x y': a stage name must be 1 to 128 letters, digits, '-' or '_'.",
                "error: API 'other', method 'GET /a': request validator 'strict' is not defined in x-amazon-apigateway-request-validators.",
            ],
            Lines(result));
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Load_DefinitionNotOpenApi_Error()
    {
        Write("notapi.yaml", "hello: world\n");
        var result = ConfigLoader.Load(Write("gateway.yaml", "apis: [ { name: a, definition: notapi.yaml } ]\n"), LoadOptions.Default);
        Assert.Equal(["error: definition 'notapi.yaml': not an OpenAPI or Swagger document (no 'openapi' or 'swagger' at the top level)."], Lines(result));
    }

    [Fact]
    public void Load_DuplicateApiNamesAndBadMapping_ValidatorErrors()
    {
        Write("orders.json", Definition);
        var result = ConfigLoader.Load(Write("gateway.yaml", """
            apis:
              - { name: orders, definition: orders.json }
              - { name: orders, definition: orders.json }
            domainNames:
              - domainName: api.example.com
                basePathMappings: [ { restApiId: orders, stage: prod } ]
            """), LoadOptions.Default);
        Assert.Equal(
            [
                "error: API 'orders': the API id is used more than once.",
                "error: domain name 'api.example.com', base path '(none)': API 'orders' has no stage 'prod'.",
            ],
            Lines(result));
        Assert.Single(result.SourceFiles.Where(f => f.EndsWith("orders.json", StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_BareDocument_ApiIdFromTitleAndBasePathStage()
    {
        var path = Write("orders.json", Definition);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Empty(result.Diagnostics);
        var api = Assert.Single(result.Config!.Apis);
        Assert.Equal("orders-api", api.Id);
        Assert.Equal("v1", Assert.Single(api.Stages).StageName);
        Assert.Equal<string>([path], result.SourceFiles);
    }

    [Fact]
    public void Load_BareDocumentWithOptions_StageAndVariablesFromOptions()
    {
        var options = new LoadOptions
        {
            Stage = "dev",
            StageVariables = ImmutableDictionary<string, string>.Empty.Add("backend", "http://127.0.0.1:9000"),
        };
        var result = ConfigLoader.Load(Write("orders.yaml", "openapi: 3.0.1\ninfo: {title: '  Pets & Co. (v2)  '}\npaths: {}\n"), options);
        var api = Assert.Single(result.Config!.Apis);
        Assert.Equal("pets-co-v2", api.Id);
        var stage = Assert.Single(api.Stages);
        Assert.Equal("dev", stage.StageName);
        Assert.Equal("http://127.0.0.1:9000", stage.Variables["backend"]);
    }

    [Fact]
    public void Load_BareDocumentWithoutBasePath_Prod()
    {
        var result = ConfigLoader.Load(Write("a.yaml", "swagger: '2.0'\ninfo: {title: A}\npaths: {}\n"), LoadOptions.Default);
        Assert.Equal("prod", Assert.Single(Assert.Single(result.Config!.Apis).Stages).StageName);
    }

    [Fact]
    public void Load_ConfigFileWithStageOptions_WarnsUnused()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", "apis: [ { name: orders, definition: orders.json } ]\n");
        var result = ConfigLoader.Load(path, new LoadOptions { Stage = "dev" });
        Assert.False(result.HasErrors);
        Assert.StartsWith("warning: config 'gateway.yaml': the stage and stage variables given on the command line", Assert.Single(Lines(result)), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SyntaxErrorInConfig_LineAndColumnAndNoConfig()
    {
        var path = Write("gateway.yaml", "apis:\n  - name: a\n   definition: b\n");
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        Assert.Matches($"^file '{System.Text.RegularExpressions.Regex.Escape(path)}', line 3, column [0-9]+$", Assert.Single(result.Diagnostics).Location);
    }

    [Fact]
    public void Load_MissingFile_ErrorAndSourceListed()
    {
        var path = Path.Combine(_directory, "nope.yaml");
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.True(result.HasErrors);
        Assert.Equal<string>([path], result.SourceFiles);
    }

    [Fact]
    public void Load_WarningsOnly_ConfigReturned()
    {
        var result = ConfigLoader.Load(Write("a.yaml", "swagger: '2.0'\ninfo: {title: A}\nx-team: rooms\npaths: {}\n"), LoadOptions.Default);
        Assert.False(result.HasErrors);
        Assert.NotNull(result.Config);
        Assert.Single(result.Diagnostics);
    }

    [Theory]
    [InlineData("PetStore", "petstore")]
    [InlineData("Orders API", "orders-api")]
    [InlineData("--Ünïcode__Name--", "n-code-name")]
    [InlineData("", "api")]
    [InlineData("!!!", "api")]
    public void Slug_Title_LowerCaseLettersDigitsAndDashes(string title, string slug) => Assert.Equal(slug, ConfigLoader.Slug(title));
}
