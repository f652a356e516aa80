using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using static Tollgate.Gateway.Tests.Config.OpenApiImporterTests;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>Document-level extensions, protocol, stage and the sweep for unread extensions.</summary>
public sealed class OpenApiImporterApiTests
{
    private const string OnePath = "\"/a\": {\"get\": {" + Mock + "}}";

    private static (OpenApiImport Import, DiagnosticBag Diagnostics) WithTop(string extra) => Import(Swagger(OnePath, extra));

    [Theory]
    [InlineData("HEADER", ApiKeySource.Header)]
    [InlineData("AUTHORIZER", ApiKeySource.Authorizer)]
    [InlineData("authorizer", ApiKeySource.Authorizer)]
    public void Import_ApiKeySource_Read(string written, ApiKeySource expected) =>
        Assert.Equal(expected, WithTop($", \"x-amazon-apigateway-api-key-source\": \"{written}\"").Import.Api.ApiKeySource);

    [Fact]
    public void Import_BadApiKeySource_Error()
    {
        var (_, diagnostics) = WithTop(", \"x-amazon-apigateway-api-key-source\": \"QUERY\"");
        Assert.Equal("error: definition 'orders.json': x-amazon-apigateway-api-key-source 'QUERY' is not one of HEADER, AUTHORIZER.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_RequestValidators_DefaultAndPerMethod()
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Mock + "}, \"post\": {\"x-amazon-apigateway-request-validator\": \"all\", " + Mock + "}}",
            ", \"x-amazon-apigateway-request-validators\": {\"all\": {\"validateRequestBody\": true, \"validateRequestParameters\": true}, \"params\": {\"validateRequestParameters\": true}}" +
            ", \"x-amazon-apigateway-request-validator\": \"params\""));
        Assert.Empty(diagnostics.Items);
        Assert.Equal(new RequestValidator { ValidateRequestBody = true, ValidateRequestParameters = true }, import.Api.RequestValidators["all"]);
        Assert.Equal(new RequestValidator { ValidateRequestBody = false, ValidateRequestParameters = true }, import.Api.RequestValidators["params"]);
        Assert.Equal("params", import.Api.DefaultRequestValidator);
        var methods = Assert.Single(import.Api.Resources).Methods;
        Assert.Null(methods["GET"].RequestValidatorId);
        Assert.Equal("all", methods["POST"].RequestValidatorId);
    }

    [Fact]
    public void Import_GatewayResponses_StatusCodeStringOrNumber()
    {
        var (import, diagnostics) = WithTop(", \"x-amazon-apigateway-gateway-responses\": {" +
            "\"DEFAULT_4XX\": {\"responseParameters\": {\"gatewayresponse.header.Access-Control-Allow-Origin\": \"'*'\"}, \"responseTemplates\": {\"application/json\": \"{\\\"m\\\":$context.error.messageString}\"}}," +
            "\"INVALID_API_KEY\": {\"statusCode\": \"429\"}, \"THROTTLED\": {\"statusCode\": 503}}");
        Assert.Empty(diagnostics.Items);
        var responses = import.Api.GatewayResponses;
        Assert.Null(responses[GatewayResponseType.DEFAULT_4XX].StatusCode);
        Assert.Equal("'*'", responses[GatewayResponseType.DEFAULT_4XX].ResponseParameters["gatewayresponse.header.Access-Control-Allow-Origin"]);
        Assert.Equal("{\"m\":$context.error.messageString}", responses[GatewayResponseType.DEFAULT_4XX].ResponseTemplates["application/json"]);
        Assert.Equal(429, responses[GatewayResponseType.INVALID_API_KEY].StatusCode);
        Assert.Equal(503, responses[GatewayResponseType.THROTTLED].StatusCode);
    }

    [Theory]
    [InlineData("\"NOT_A_TYPE\": {}", "gateway response 'NOT_A_TYPE'", "'NOT_A_TYPE' is not a gateway response type (e.g. DEFAULT_4XX, UNAUTHORIZED, THROTTLED).")]
    [InlineData("\"throttled\": {}", "gateway response 'throttled'", "'throttled' is not a gateway response type (e.g. DEFAULT_4XX, UNAUTHORIZED, THROTTLED).")]
    [InlineData("\"THROTTLED\": {\"statusCode\": \"42\"}", "gateway response 'THROTTLED'", "statusCode '42' is not an HTTP status code (100..599).")]
    public void Import_BadGatewayResponse_Error(string entry, string where, string message)
    {
        var (_, diagnostics) = WithTop(", \"x-amazon-apigateway-gateway-responses\": {" + entry + "}");
        Assert.Equal($"error: definition 'orders.json', {where}: {message}", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_BinaryMediaTypes_SlashEscapeDecoded()
    {
        var (import, _) = WithTop(", \"x-amazon-apigateway-binary-media-types\": [\"image/png\", \"*~1*\"]");
        Assert.Equal<string>(["image/png", "*/*"], import.Api.BinaryMediaTypes);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1024", 1024)]
    [InlineData("10485760", 10485760)]
    public void Import_MinimumCompressionSize_Read(string written, int expected) =>
        Assert.Equal(expected, WithTop(", \"x-amazon-apigateway-minimum-compression-size\": " + written).Import.Api.MinimumCompressionSize);

    [Theory]
    [InlineData("-1")]
    [InlineData("10485761")]
    public void Import_MinimumCompressionSizeOutOfRange_Error(string written)
    {
        var (import, diagnostics) = WithTop(", \"x-amazon-apigateway-minimum-compression-size\": " + written);
        Assert.Null(import.Api.MinimumCompressionSize);
        Assert.Equal($"error: definition 'orders.json': x-amazon-apigateway-minimum-compression-size {written} is outside 0..10485760.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_PolicyAndEndpointConfiguration_KeptVerbatim()
    {
        var (import, diagnostics) = WithTop(
            ", \"x-amazon-apigateway-policy\": {\"Version\": \"2012-10-17\", \"Statement\": []}" +
            ", \"x-amazon-apigateway-endpoint-configuration\": {\"types\": [\"PRIVATE\"], \"vpcEndpointIds\": [\"vpce-1\"]}");
        Assert.Empty(diagnostics.Items);
        Assert.Equal("{\"Version\": \"2012-10-17\", \"Statement\": []}", import.Api.Policy!.Value.GetRawText());
        Assert.Equal("{\"types\": [\"PRIVATE\"], \"vpcEndpointIds\": [\"vpce-1\"]}", import.Api.EndpointConfiguration!.Value.GetRawText());
    }

    [Fact]
    public void Import_CorsOnHttpApi_KeptWithoutWarning()
    {
        var (import, diagnostics) = Import(OpenApi3(OnePath,
            ", \"x-amazon-apigateway-cors\": {\"allowOrigins\": [\"*\"], \"maxAge\": 60}, \"x-amazon-apigateway-importexport-version\": \"1.0\""));
        Assert.Empty(diagnostics.Items);
        Assert.Equal(ApiProtocol.Http, import.Api.Protocol);
        Assert.Equal("{\"allowOrigins\": [\"*\"], \"maxAge\": 60}", import.Api.Cors!.Value.GetRawText());
    }

    [Fact]
    public void Import_CorsOnRestApi_KeptWithWarning()
    {
        // x-amazon-apigateway-cors alone makes a document an HTTP API; protocolType REST says otherwise.
        var (import, diagnostics) = Import(Swagger(OnePath, ", \"x-amazon-apigateway-cors\": {\"allowOrigins\": [\"*\"]}"), AsRest);
        Assert.NotNull(import.Api.Cors);
        Assert.StartsWith("warning: definition 'orders.json': x-amazon-apigateway-cors applies to HTTP APIs", Assert.Single(diagnostics.Items).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_WithoutImportExportVersion_RestProtocol() =>
        Assert.Equal(ApiProtocol.Rest, Import(OpenApi3(OnePath)).Import.Api.Protocol);

    [Fact]
    public void Import_HttpApiDefaultRoute_KeptAsResource()
    {
        var (import, diagnostics) = Import(OpenApi3("\"$default\": {\"x-amazon-apigateway-any-method\": {\"isDefaultRoute\": true, " + Mock + "}}",
            ", \"x-amazon-apigateway-importexport-version\": \"1.0\""));
        Assert.Empty(diagnostics.Items);
        var resource = Assert.Single(import.Api.Resources);
        Assert.Equal("$default", resource.Path);
        Assert.Equal(["ANY"], resource.Methods.Keys);
    }

    [Fact]
    public void Import_DefaultRouteInRestApi_Error()
    {
        var (import, diagnostics) = Import(OpenApi3("\"$default\": {\"get\": {" + Mock + "}}"), AsRest);
        Assert.Empty(import.Api.Resources);
        Assert.Equal(
            "error: definition 'orders.json', path '$default': the '$default' route exists only in HTTP APIs, and this document is read as a REST API (protocolType).",
            Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_UnknownExtensions_KeptWithLocationAndWarning()
    {
        var (import, diagnostics) = Import(Swagger(
            "\"x-paths-note\": 1, \"/a\": {\"x-owner\": \"team\", \"get\": {\"x-internal\": true, \"parameters\": [{\"name\": \"q\", \"in\": \"query\", \"x-example-q\": \"1\"}], " +
            "\"responses\": {\"200\": {\"description\": \"ok\", \"headers\": {\"x-request-id\": {\"type\": \"string\"}}, \"schema\": {\"x-nullable\": true}}}, " + Mock + "}}",
            ", \"info\": {\"title\": \"T\", \"version\": \"1\", \"x-logo\": {}}, \"x-amazon-apigateway-documentation\": {\"version\": \"1\"}"));
        Assert.Equal(
            [
                ("paths", "x-paths-note"),
                ("paths./a", "x-owner"),
                ("paths./a.get", "x-internal"),
                ("paths./a.get.parameters[0]", "x-example-q"),
                ("", "x-amazon-apigateway-documentation"),
            ],
            import.Api.Extensions.Select(e => (e.Location, e.Name)).Where(e => e.Name != "x-logo"));
        Assert.Equal(6, import.Api.Extensions.Length); // x-logo too; headers named x-... and schema keywords are not extensions
        Assert.Equal(6, diagnostics.Items.Count);
        Assert.All(diagnostics.Items, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains("warning: definition 'orders.json': extension 'x-internal' at paths./a.get is not used by Tollgate; kept as written.", diagnostics.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Import_PathsExtensionLocation_IsPathsObject()
    {
        var (import, _) = Import(Swagger("\"x-note\": 1, " + OnePath));
        Assert.Equal("paths", Assert.Single(import.Api.Extensions).Location);
    }

    [Fact]
    public void Import_KnownExtensions_NotReportedAsUnknown()
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"x-amazon-apigateway-any-method\": {\"x-amazon-apigateway-request-validator\": \"v\", " + Mock + "}}",
            ", \"x-amazon-apigateway-request-validators\": {\"v\": {}}, \"x-amazon-apigateway-binary-media-types\": [], \"x-amazon-apigateway-api-key-source\": \"HEADER\""));
        Assert.Empty(diagnostics.Items);
        Assert.Empty(import.Api.Extensions);
    }

    [Theory]
    [InlineData(", \"basePath\": \"/prod\"", "prod")]
    [InlineData(", \"basePath\": \"/\"", null)]
    [InlineData("", null)]
    [InlineData(", \"basePath\": \"live/\"", "live")]
    public void Import_SwaggerBasePath_GivesStage(string basePath, string? stage) =>
        Assert.Equal(stage, WithTop(basePath).Import.BasePathStage);

    [Fact]
    public void Import_MultiSegmentBasePath_WarnsNoStage()
    {
        var (import, diagnostics) = WithTop(", \"basePath\": \"/api/v1\"");
        Assert.Null(import.BasePathStage);
        Assert.Equal("warning: definition 'orders.json': basePath '/api/v1' is not a single stage name; no stage taken from it (stage 'prod').", Assert.Single(diagnostics.Items).ToString());
    }

    [Theory]
    [InlineData("/v2", "v2")]
    [InlineData("beta", "beta")]
    [InlineData("", null)]
    public void Import_OpenApi3ServerBasePathVariable_GivesStage(string value, string? stage) =>
        Assert.Equal(stage, Import(OpenApi3(OnePath,
            ", \"servers\": [{\"url\": \"https://x.execute-api.us-east-1.amazonaws.com/{basePath}\", \"variables\": {\"basePath\": {\"default\": \"" + value + "\"}}}]")).Import.BasePathStage);

    [Fact]
    public void Import_NeitherSwaggerNorOpenApi_Error()
    {
        var (_, diagnostics) = Import("{\"paths\": {}}");
        Assert.Equal("error: definition 'orders.json': the document has neither 'swagger: \"2.0\"' nor 'openapi: 3.0.x' at the top level.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_OpenApi31_WarnsReadAs30()
    {
        var (_, diagnostics) = Import("{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\"}, \"paths\": {}}");
        Assert.Equal("warning: definition 'orders.json': openapi '3.1.0': API Gateway imports OpenAPI 3.0; read as 3.0.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_DocumentNotObject_ErrorNotException()
    {
        var (import, diagnostics) = Import("[1, 2]");
        Assert.Empty(import.Api.Resources);
        Assert.Equal("error: definition 'orders.json': an OpenAPI document must be an object, not a list.", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_WrongTypesEverywhere_ErrorsCollectedNotThrown()
    {
        var (_, diagnostics) = Import("{\"swagger\": \"2.0\", \"info\": {\"title\": 5}, \"paths\": {\"/a\": 3, \"/b\": {\"get\": {\"parameters\": \"q\", " +
            "\"x-amazon-apigateway-integration\": {\"type\": \"htp\"}}}, \"/c\": {\"get\": {\"x-amazon-apigateway-integration\": []}}}, " +
            "\"definitions\": [], \"x-amazon-apigateway-request-validators\": 1, \"x-amazon-apigateway-gateway-responses\": {\"DEFAULT_5XX\": \"x\"}}");
        Assert.Equal(
            [
                "error: definition 'orders.json': info.title must be a string, not a number.",
                "error: definition 'orders.json': definitions must be an object, not a list.",
                "error: definition 'orders.json': x-amazon-apigateway-request-validators must be an object, not a number.",
                "error: definition 'orders.json', gateway response 'DEFAULT_5XX': x-amazon-apigateway-gateway-responses['DEFAULT_5XX'] must be an object, not a string.",
                "error: definition 'orders.json', path '/a': a path item must be an object, not a number.",
                "error: definition 'orders.json', path '/b', method 'GET': parameters must be a list, not a string.",
                "error: definition 'orders.json', path '/b', method 'GET': x-amazon-apigateway-integration.type 'htp' is not one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY.",
                "error: definition 'orders.json', path '/c', method 'GET': x-amazon-apigateway-integration must be an object, not a list.",
            ],
            diagnostics.Items.Select(d => d.ToString()));
    }
}
