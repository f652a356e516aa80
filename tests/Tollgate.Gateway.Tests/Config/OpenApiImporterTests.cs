using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

public sealed class OpenApiImporterTests
{
    internal const string Label = "definition 'orders.json'";

    internal static (OpenApiImport Import, DiagnosticBag Diagnostics) Import(string json) => Import(json, ImportOptions.Default);

    internal static (OpenApiImport Import, DiagnosticBag Diagnostics) Import(string json, ImportOptions options)
    {
        var diagnostics = new DiagnosticBag();
        using var document = JsonDocument.Parse(json);
        return (OpenApiImporter.Import(document.RootElement.Clone(), "orders", Label, diagnostics, options), diagnostics);
    }

    internal static readonly ImportOptions AsRest = new() { Protocol = ApiProtocol.Rest };

    /// <summary>A Swagger 2 document with the given paths and extra top-level members (",\"k\": v").</summary>
    internal static string Swagger(string paths, string extra = "") =>
        "{\"swagger\": \"2.0\", \"info\": {\"title\": \"Orders\", \"version\": \"1\"}, \"paths\": {" + paths + "}" + extra + "}";

    internal static string OpenApi3(string paths, string extra = "") =>
        "{\"openapi\": \"3.0.1\", \"info\": {\"title\": \"Orders\", \"version\": \"1\"}, \"paths\": {" + paths + "}" + extra + "}";

    internal const string Mock = "\"x-amazon-apigateway-integration\": {\"type\": \"mock\"}";

    internal static string Integration(string members) => "\"x-amazon-apigateway-integration\": {" + members + "}";

    private static Method OnlyMethod(OpenApiImport import) => Assert.Single(Assert.Single(import.Api.Resources).Methods).Value;

    private static Integration OnlyIntegration(string integrationMembers, string extra = "")
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration(integrationMembers) + "}}", extra));
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        return OnlyMethod(import).Integration!;
    }

    private static string Errors(DiagnosticBag diagnostics) =>
        string.Join("\n", diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Error));

    private static string Warnings(DiagnosticBag diagnostics) =>
        string.Join("\n", diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Warning));

    // ---- paths and methods ----

    [Fact]
    public void Import_Operations_UpperCaseMethodsAndAnyMethod()
    {
        var (import, diagnostics) = Import(Swagger(
            "\"/pets/{proxy+}\": {\"get\": {" + Mock + "}, \"put\": {" + Mock + "}, \"post\": {" + Mock + "}, \"delete\": {" + Mock + "}, " +
            "\"patch\": {" + Mock + "}, \"head\": {" + Mock + "}, \"options\": {" + Mock + "}, \"x-amazon-apigateway-any-method\": {" + Mock + "}}"));
        Assert.Empty(diagnostics.Items);
        var resource = Assert.Single(import.Api.Resources);
        Assert.Equal("/pets/{proxy+}", resource.Path);
        Assert.Equal(["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"], resource.Methods.Keys.Order(StringComparer.Ordinal));
        Assert.All(resource.Methods, m => Assert.Equal(m.Key, m.Value.HttpMethod));
    }

    [Fact]
    public void Import_Paths_KeptInDocumentOrderAsWritten()
    {
        var (import, _) = Import(Swagger("\"/z\": {\"get\": {" + Mock + "}}, \"/a/{Id}\": {\"get\": {" + Mock + "}}, \"/\": {\"get\": {" + Mock + "}}"));
        Assert.Equal(["/z", "/a/{Id}", "/"], import.Api.Resources.Select(r => r.Path));
    }

    [Fact]
    public void Import_TraceAndUnknownPathItemKeys_Warn()
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"trace\": {" + Mock + "}, \"Get\": {}, \"summary\": \"s\", \"get\": {" + Mock + "}}"));
        Assert.Equal(["GET"], OnlyMethodKeys(import));
        Assert.Equal(
            "warning: definition 'orders.json', path '/a': API Gateway has no TRACE methods; 'trace' ignored.\n" +
            "warning: definition 'orders.json', path '/a': 'Get' is not an HTTP method or path item field; ignored.",
            string.Join("\n", diagnostics.Items));
    }

    private static IEnumerable<string> OnlyMethodKeys(OpenApiImport import) => Assert.Single(import.Api.Resources).Methods.Keys;

    [Fact]
    public void Import_PathWithoutSlash_Error()
    {
        var (_, diagnostics) = Import(Swagger("\"pets\": {\"get\": {" + Mock + "}}"));
        Assert.Equal("error: definition 'orders.json', path 'pets': a path must start with '/'.", Errors(diagnostics));
    }

    [Fact]
    public void Import_OperationNotObject_ErrorNamesMethod()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": []}"));
        Assert.Equal("error: definition 'orders.json', path '/a', method 'GET': an operation must be an object, not a list.", Errors(diagnostics));
    }

    [Fact]
    public void Import_OperationId_IsOperationName()
    {
        var (import, _) = Import(Swagger("\"/a\": {\"get\": {\"operationId\": \"ListA\", " + Mock + "}}"));
        Assert.Equal("ListA", OnlyMethod(import).OperationName);
    }

    [Fact]
    public void Import_NoIntegration_WarnsOf500()
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"get\": {}}"));
        Assert.Null(OnlyMethod(import).Integration);
        Assert.Equal(
            "warning: definition 'orders.json', path '/a', method 'GET': no x-amazon-apigateway-integration; requests to this method get 500, as in API Gateway.",
            Assert.Single(diagnostics.Items).ToString());
    }

    // ---- parameters and models ----

    [Fact]
    public void Import_Parameters_MapToMethodRequestKeys()
    {
        var (import, _) = Import(Swagger("\"/a/{id}\": {\"get\": {\"parameters\": [" +
            "{\"name\": \"id\", \"in\": \"path\", \"required\": false, \"type\": \"string\"}," +
            "{\"name\": \"page\", \"in\": \"query\", \"required\": true, \"type\": \"string\"}," +
            "{\"name\": \"sort\", \"in\": \"query\", \"type\": \"string\"}," +
            "{\"name\": \"X-Trace\", \"in\": \"header\", \"required\": true, \"type\": \"string\"}], " + Mock + "}}"));
        var parameters = OnlyMethod(import).RequestParameters;
        Assert.Equal(4, parameters.Count);
        Assert.True(parameters["method.request.path.id"]); // path parameters are always required
        Assert.True(parameters["method.request.querystring.page"]);
        Assert.False(parameters["method.request.querystring.sort"]);
        Assert.True(parameters["method.request.header.X-Trace"]);
    }

    [Fact]
    public void Import_PathItemParameters_MergedOperationWins()
    {
        var (import, _) = Import(Swagger("\"/a/{id}\": {" +
            "\"parameters\": [{\"name\": \"id\", \"in\": \"path\", \"required\": true}, {\"name\": \"q\", \"in\": \"query\", \"required\": true}]," +
            "\"get\": {\"parameters\": [{\"name\": \"q\", \"in\": \"query\", \"required\": false}], " + Mock + "}," +
            "\"delete\": {" + Mock + "}}"));
        var methods = Assert.Single(import.Api.Resources).Methods;
        Assert.False(methods["GET"].RequestParameters["method.request.querystring.q"]);
        Assert.True(methods["GET"].RequestParameters["method.request.path.id"]);
        Assert.True(methods["DELETE"].RequestParameters["method.request.querystring.q"]);
    }

    [Fact]
    public void Import_ParameterRef_Resolved()
    {
        var (import, diagnostics) = Import(Swagger(
            "\"/a\": {\"get\": {\"parameters\": [{\"$ref\": \"#/parameters/Page\"}], " + Mock + "}}",
            ", \"parameters\": {\"Page\": {\"name\": \"page\", \"in\": \"query\", \"required\": true, \"type\": \"string\"}}"));
        Assert.Empty(diagnostics.Items);
        Assert.True(OnlyMethod(import).RequestParameters["method.request.querystring.page"]);
    }

    [Fact]
    public void Import_UnresolvedRef_ErrorNamesRef()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {\"parameters\": [{\"$ref\": \"#/parameters/Nope\"}], " + Mock + "}}"));
        Assert.Equal("error: definition 'orders.json', path '/a', method 'GET': $ref '#/parameters/Nope' does not resolve.", Errors(diagnostics));
    }

    [Fact]
    public void Import_ExternalRef_Error()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {\"parameters\": [{\"$ref\": \"common.json#/P\"}], " + Mock + "}}"));
        Assert.Contains("external references are not supported", Errors(diagnostics), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("formData")]
    [InlineData("cookie")]
    public void Import_FormDataOrCookieParameter_WarnsIgnored(string location)
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"post\": {\"parameters\": [{\"name\": \"f\", \"in\": \"" + location + "\"}], " + Mock + "}}"));
        Assert.Empty(OnlyMethod(import).RequestParameters);
        Assert.Equal(
            $"warning: definition 'orders.json', path '/a', method 'POST': parameter 'f' in '{location}': API Gateway has no {location} parameters; ignored.",
            Warnings(diagnostics));
    }

    [Fact]
    public void Import_UnknownParameterLocation_Error()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {\"parameters\": [{\"name\": \"f\", \"in\": \"matrix\"}], " + Mock + "}}"));
        Assert.Equal("error: definition 'orders.json', path '/a', method 'GET': parameter 'f': in 'matrix' is not one of path, query, header, body.", Errors(diagnostics));
    }

    [Fact]
    public void Import_SwaggerBodyParameter_ModelForEachConsumedType()
    {
        var (import, diagnostics) = Import(Swagger(
            "\"/a\": {\"post\": {\"consumes\": [\"application/json\", \"application/xml\"], \"parameters\": [{\"in\": \"body\", \"name\": \"Pet\", \"schema\": {\"$ref\": \"#/definitions/Pet\"}}], " + Mock + "}}",
            ", \"definitions\": {\"Pet\": {\"type\": \"object\"}}"));
        Assert.Empty(diagnostics.Items);
        var models = OnlyMethod(import).RequestModels;
        Assert.Equal("Pet", models["application/json"]);
        Assert.Equal("Pet", models["application/xml"]);
        Assert.Equal("{\"type\": \"object\"}", import.Api.Models["Pet"].GetRawText());
    }

    [Fact]
    public void Import_SwaggerBodyWithoutConsumes_TopLevelConsumesThenApplicationJson()
    {
        const string body = "\"parameters\": [{\"in\": \"body\", \"name\": \"P\", \"schema\": {\"$ref\": \"#/definitions/P\"}}], ";
        var (withTop, _) = Import(Swagger("\"/a\": {\"post\": {" + body + Mock + "}}", ", \"consumes\": [\"text/plain\"]"));
        Assert.Equal(["text/plain"], OnlyMethod(withTop).RequestModels.Keys);
        var (without, _) = Import(Swagger("\"/a\": {\"post\": {" + body + Mock + "}}"));
        Assert.Equal(["application/json"], OnlyMethod(without).RequestModels.Keys);
    }

    [Fact]
    public void Import_OpenApi3RequestBody_ModelPerContentType()
    {
        var (import, diagnostics) = Import(OpenApi3(
            "\"/a\": {\"post\": {\"requestBody\": {\"$ref\": \"#/components/requestBodies/PetBody\"}, " + Mock + "}}",
            ", \"components\": {\"schemas\": {\"Pet\": {\"type\": \"object\"}}, \"requestBodies\": {\"PetBody\": {\"content\": {" +
            "\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/Pet\"}}, \"application/x-pet\": {\"schema\": {\"$ref\": \"#/components/schemas/Pet\"}}}}}}"));
        Assert.Empty(diagnostics.Items);
        Assert.Equal(2, OnlyMethod(import).RequestModels.Count);
        Assert.Equal("Pet", OnlyMethod(import).RequestModels["application/x-pet"]);
        Assert.True(import.Api.Models.ContainsKey("Pet"));
    }

    [Fact]
    public void Import_InlineBodySchema_WarnsAndKeepsNoModel()
    {
        var (import, diagnostics) = Import(OpenApi3("\"/a\": {\"post\": {\"requestBody\": {\"content\": {\"application/json\": {\"schema\": {\"type\": \"object\"}}}}, " + Mock + "}}"));
        Assert.Empty(OnlyMethod(import).RequestModels);
        Assert.Equal(
            "warning: definition 'orders.json', path '/a', method 'POST': requestBody.content['application/json']: the schema is inline; only named models (definitions, components.schemas) are kept, so the body is not validated.",
            Warnings(diagnostics));
    }

    [Fact]
    public void Import_BodySchemaRefOutsideModels_Error()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"post\": {\"parameters\": [{\"in\": \"body\", \"name\": \"P\", \"schema\": {\"$ref\": \"#/parameters/P\"}}], " + Mock + "}}"));
        Assert.Equal("error: definition 'orders.json', path '/a', method 'POST': body parameter: schema $ref '#/parameters/P' does not name a model under definitions.", Errors(diagnostics));
    }

    // ---- integration ----

    [Theory]
    [InlineData("mock", IntegrationType.Mock)]
    [InlineData("http", IntegrationType.Http)]
    [InlineData("HTTP", IntegrationType.Http)]
    [InlineData("http_proxy", IntegrationType.HttpProxy)]
    [InlineData("aws", IntegrationType.Aws)]
    [InlineData("aws_proxy", IntegrationType.AwsProxy)]
    [InlineData("AWS_Proxy", IntegrationType.AwsProxy)]
    public void Import_IntegrationType_CaseInsensitive(string written, IntegrationType expected) =>
        Assert.Equal(expected, OnlyIntegration($"\"type\": \"{written}\"").Type);

    [Fact]
    public void Import_UnknownIntegrationType_ErrorNamesDefinitionPathAndMethod()
    {
        var (import, diagnostics) = Import(Swagger("\"/pets/{petId}\": {\"get\": {" + Integration("\"type\": \"htp\"") + "}}"));
        Assert.Equal(
            "error: definition 'orders.json', path '/pets/{petId}', method 'GET': x-amazon-apigateway-integration.type 'htp' is not one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY.",
            Errors(diagnostics));
        Assert.Null(OnlyMethod(import).Integration);
    }

    [Fact]
    public void Import_MissingIntegrationType_Error()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration("\"uri\": \"http://x\"") + "}}"));
        Assert.Equal("error: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.type is missing.", Errors(diagnostics));
    }

    [Theory]
    [InlineData("when_no_match", PassthroughBehavior.WhenNoMatch)]
    [InlineData("WHEN_NO_TEMPLATES", PassthroughBehavior.WhenNoTemplates)]
    [InlineData("when_no_templates", PassthroughBehavior.WhenNoTemplates)]
    [InlineData("never", PassthroughBehavior.Never)]
    [InlineData("NEVER", PassthroughBehavior.Never)]
    public void Import_PassthroughBehavior_CaseInsensitive(string written, PassthroughBehavior expected) =>
        Assert.Equal(expected, OnlyIntegration($"\"type\": \"mock\", \"passthroughBehavior\": \"{written}\"").PassthroughBehavior);

    [Fact]
    public void Import_PassthroughBehaviorAbsent_WhenNoMatch() =>
        Assert.Equal(PassthroughBehavior.WhenNoMatch, OnlyIntegration("\"type\": \"mock\"").PassthroughBehavior);

    [Fact]
    public void Import_BadEnumsInIntegration_AllReported()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration(
            "\"type\": \"http\", \"uri\": \"http://x\", \"passthroughBehavior\": \"sometimes\", \"contentHandling\": \"CONVERT_TO_XML\", " +
            "\"connectionType\": \"CABLE\", \"payloadFormatVersion\": \"3.0\"") + "}}"));
        const string at = "error: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.";
        Assert.Equal(
            at + "connectionType 'CABLE' is not one of INTERNET, VPC_LINK.\n" +
            at + "passthroughBehavior 'sometimes' is not one of when_no_match, when_no_templates, never.\n" +
            at + "contentHandling 'CONVERT_TO_XML' is not one of CONVERT_TO_BINARY, CONVERT_TO_TEXT.\n" +
            at + "payloadFormatVersion '3.0' is not one of 1.0, 2.0.",
            Errors(diagnostics));
    }

    [Fact]
    public void Import_IntegrationFields_AllRead()
    {
        var integration = OnlyIntegration(
            "\"type\": \"http\", \"uri\": \"https://backend/{id}\", \"httpMethod\": \"post\", \"connectionType\": \"vpc_link\", \"connectionId\": \"abc123\", " +
            "\"credentials\": \"arn:aws:iam::1:role/r\", \"requestParameters\": {\"integration.request.path.id\": \"method.request.path.id\"}, " +
            "\"requestTemplates\": {\"application/json\": \"$input.json('$')\"}, \"contentHandling\": \"convert_to_text\", \"cacheNamespace\": \"ns\", " +
            "\"cacheKeyParameters\": [\"method.request.path.id\"], \"timeoutInMillis\": 5000, \"payloadFormatVersion\": \"1.0\", " +
            "\"tlsConfig\": {\"insecureSkipVerification\": true}");
        Assert.Equal("https://backend/{id}", integration.Uri);
        Assert.Equal("POST", integration.HttpMethod);
        Assert.Equal("VPC_LINK", integration.ConnectionType);
        Assert.Equal("abc123", integration.ConnectionId);
        Assert.Equal("arn:aws:iam::1:role/r", integration.Credentials);
        Assert.Equal("method.request.path.id", integration.RequestParameters["integration.request.path.id"]);
        Assert.Equal("$input.json('$')", integration.RequestTemplates["application/json"]);
        Assert.Equal(ContentHandling.ConvertToText, integration.ContentHandling);
        Assert.Equal("ns", integration.CacheNamespace);
        Assert.Equal<string>(["method.request.path.id"], integration.CacheKeyParameters);
        Assert.Equal(5000, integration.TimeoutInMillis);
        Assert.Equal("1.0", integration.PayloadFormatVersion);
        Assert.True(integration.InsecureSkipVerification);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(29000)]
    public void Import_TimeoutWithinRestRange_Kept(int timeout) =>
        Assert.Equal(timeout, OnlyIntegration($"\"type\": \"mock\", \"timeoutInMillis\": {timeout}").TimeoutInMillis);

    [Theory]
    [InlineData(49)]
    [InlineData(29001)]
    [InlineData(0)]
    public void Import_TimeoutOutsideRestRange_Error(int timeout)
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration($"\"type\": \"mock\", \"timeoutInMillis\": {timeout}") + "}}"));
        Assert.Equal(
            $"error: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.timeoutInMillis {timeout} is outside 50..29000 (REST APIs).",
            Errors(diagnostics));
    }

    [Fact]
    public void Import_TimeoutNotInteger_Error()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration("\"type\": \"mock\", \"timeoutInMillis\": 2.5") + "}}"));
        Assert.Equal(
            "error: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.timeoutInMillis must be an integer, not a number.",
            Errors(diagnostics));
    }

    [Fact]
    public void Import_HttpApiTimeout_UpTo30000AndDefault30000()
    {
        const string version = ", \"x-amazon-apigateway-importexport-version\": \"1.0\"";
        var (ok, okDiagnostics) = Import(OpenApi3("\"/a\": {\"get\": {" + Integration("\"type\": \"mock\", \"timeoutInMillis\": 30000") + "}, " +
            "\"post\": {" + Mock + "}}", version));
        Assert.False(okDiagnostics.HasErrors);
        Assert.All(Assert.Single(ok.Api.Resources).Methods.Values, m => Assert.Equal(30000, m.Integration!.TimeoutInMillis));

        var (_, diagnostics) = Import(OpenApi3("\"/a\": {\"get\": {" + Integration("\"type\": \"mock\", \"timeoutInMillis\": 30001") + "}}", version));
        Assert.Contains("timeoutInMillis 30001 is outside 50..30000 (HTTP APIs).", Errors(diagnostics), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_IntegrationResponses_DocumentOrderWithStatusAsStringOrNumber()
    {
        var integration = OnlyIntegration("\"type\": \"http\", \"uri\": \"http://x\", \"responses\": {" +
            "\"5\\\\d{2}\": {\"statusCode\": \"502\", \"contentHandling\": \"CONVERT_TO_TEXT\"}," +
            "\"default\": {\"statusCode\": 200, \"responseParameters\": {\"method.response.header.A\": \"'b'\"}, \"responseTemplates\": {\"application/json\": \"{}\"}}," +
            "\"4\\\\d{2}\": {\"statusCode\": \"400\"}}");
        Assert.Equal(["5\\d{2}", "default", "4\\d{2}"], integration.Responses.Select(r => r.SelectionPattern));
        Assert.Equal(["502", "200", "400"], integration.Responses.Select(r => r.StatusCode));
        Assert.True(integration.Responses[1].IsDefault);
        Assert.Equal("'b'", integration.Responses[1].ResponseParameters["method.response.header.A"]);
        Assert.Equal("{}", integration.Responses[1].ResponseTemplates["application/json"]);
        Assert.Equal(ContentHandling.ConvertToText, integration.Responses[0].ContentHandling);
    }

    [Theory]
    [InlineData("{}", "x-amazon-apigateway-integration.responses['default'].statusCode is missing.")]
    [InlineData("{\"statusCode\": \"2xx\"}", "x-amazon-apigateway-integration.responses['default'].statusCode '2xx' is not an HTTP status code (100..599).")]
    [InlineData("{\"statusCode\": true}", "x-amazon-apigateway-integration.responses['default'].statusCode must be a string or number, not a boolean.")]
    [InlineData("\"200\"", "x-amazon-apigateway-integration.responses['default'] must be an object, not a string.")]
    public void Import_BadIntegrationResponse_Error(string response, string message)
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration("\"type\": \"mock\", \"responses\": {\"default\": " + response + "}") + "}}"));
        Assert.Equal("error: definition 'orders.json', path '/a', method 'GET': " + message, Errors(diagnostics));
    }

    [Fact]
    public void Import_UnknownIntegrationFields_KeptWithWarning()
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration(
            "\"type\": \"mock\", \"x-amazon-apigateway-future\": {\"on\": true}, \"integrationSubtype\": \"SQS-SendMessage\"") + "}}"));
        Assert.Equal(
            [
                new ExtensionValue("paths./a.get.x-amazon-apigateway-integration", "x-amazon-apigateway-future", default),
                new ExtensionValue("paths./a.get.x-amazon-apigateway-integration", "integrationSubtype", default),
            ],
            import.Api.Extensions.Select(e => e with { Value = default }));
        Assert.Equal("{\"on\": true}", import.Api.Extensions[0].Value.GetRawText());
        Assert.Equal(
            "warning: definition 'orders.json': extension 'x-amazon-apigateway-future' at paths./a.get.x-amazon-apigateway-integration is not used by Tollgate; kept as written.\n" +
            "warning: definition 'orders.json': field 'integrationSubtype' at paths./a.get.x-amazon-apigateway-integration is not used by Tollgate; kept as written.",
            Warnings(diagnostics));
        Assert.NotNull(OnlyMethod(import).Integration);
    }

    [Fact]
    public void Import_IntegrationRef_ResolvedFromComponents()
    {
        var (import, diagnostics) = Import(OpenApi3(
            "\"/a\": {\"get\": {\"x-amazon-apigateway-integration\": {\"$ref\": \"#/components/x-amazon-apigateway-integrations/fn\"}}}",
            ", \"components\": {\"x-amazon-apigateway-integrations\": {\"fn\": {\"type\": \"aws_proxy\", \"uri\": \"arn:aws:lambda:x\", \"payloadFormatVersion\": \"2.0\"}}}" +
            ", \"x-amazon-apigateway-importexport-version\": \"1.0\""));
        Assert.Empty(diagnostics.Items);
        var integration = OnlyMethod(import).Integration!;
        Assert.Equal(IntegrationType.AwsProxy, integration.Type);
        Assert.Equal("2.0", integration.PayloadFormatVersion);
    }

    [Fact]
    public void Import_RequestParameterValueNotString_ErrorNotException()
    {
        var (_, diagnostics) = Import(Swagger("\"/a\": {\"get\": {" + Integration("\"type\": \"mock\", \"requestParameters\": {\"integration.request.header.A\": 5}, \"cacheKeyParameters\": \"x\"") + "}}"));
        Assert.Equal(
            "error: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.requestParameters['integration.request.header.A'] must be a string, not a number.\n" +
            "error: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.cacheKeyParameters must be a list, not a string.",
            Errors(diagnostics));
    }
}
