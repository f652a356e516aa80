using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using static Tollgate.Gateway.Tests.Config.OpenApiImporterTests;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>
/// What published definitions that API Gateway imports look like (issue 19): minor problems are
/// warnings that do not block the import, and the protocol is read from what the file is.
/// </summary>
public sealed class OpenApiImporterRealExportTests
{
    private const string OnePath = "\"/a\": {\"get\": {" + Mock + "}}";

    private static string LambdaProxyPath(string uri, string extra = "") =>
        "\"/a\": {\"get\": {" + Integration("\"type\": \"aws_proxy\", \"httpMethod\": \"POST\", \"uri\": \"" + uri + "\"" + extra) + "}}";

    private static Integration OnlyIntegration(OpenApiImport import) =>
        Assert.Single(Assert.Single(import.Api.Resources).Methods).Value.Integration!;

    // ---- numbers where AWS's own examples write them ----

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("2.0", "2.0")]
    [InlineData("2", "2.0")]
    public void Import_PayloadFormatVersionAsNumber_Read(string written, string expected)
    {
        var (import, diagnostics) = Import(OpenApi3(LambdaProxyPath("arn:aws:lambda:eu-west-1:123456789012:function:f", ", \"payloadFormatVersion\": " + written)));
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        Assert.Equal(expected, OnlyIntegration(import).PayloadFormatVersion);
    }

    [Fact]
    public void Import_SwaggerVersionAsNumber_NoDiagnostics()
    {
        var (_, diagnostics) = Import("{\"swagger\": 2.0, \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {" + OnePath + "}}");
        Assert.Empty(diagnostics.Items);
    }

    // ---- CloudFormation pseudo parameters ----

    [Fact]
    public void Import_PseudoParameters_FilledFromRegionAndAccount()
    {
        var options = new ImportOptions { Region = "cn-north-1", AccountId = "123456789012" };
        var (import, diagnostics) = Import(Swagger(LambdaProxyPath(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders/invocations",
            ", \"credentials\": \"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/invoke\"")), options);
        Assert.Empty(diagnostics.Items);
        var integration = OnlyIntegration(import);
        Assert.Equal("arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:123456789012:function:orders/invocations", integration.Uri);
        Assert.Equal("arn:aws-cn:iam::123456789012:role/invoke", integration.Credentials);
    }

    [Fact]
    public void Import_PseudoParametersWithoutConfig_UsEast1AndDefaultAccount()
    {
        var (import, _) = Import(Swagger(LambdaProxyPath("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f")));
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:f", OnlyIntegration(import).Uri);
    }

    [Fact]
    public void Import_PseudoParametersInAuthorizerUri_Filled()
    {
        var (import, diagnostics) = Import(Swagger(
            "\"/a\": {\"get\": {\"security\": [{\"tok\": []}], " + Mock + "}}",
            ", \"securityDefinitions\": {\"tok\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authtype\": \"custom\", " +
            "\"x-amazon-apigateway-authorizer\": {\"type\": \"token\", \"authorizerUri\": \"arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:auth/invocations\"}}}"),
            new ImportOptions { Region = "eu-west-1", AccountId = "111122223333" });
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        Assert.Equal("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:auth/invocations",
            import.Api.Authorizers["tok"].AuthorizerUri);
    }

    [Fact]
    public void Import_UnknownPseudoParameter_LeftWithWarning()
    {
        var (import, diagnostics) = Import(Swagger(LambdaProxyPath("arn:aws:lambda:${AWS::Region}:1:function:${AWS::StackName}-f")));
        Assert.Equal("arn:aws:lambda:us-east-1:1:function:${AWS::StackName}-f", OnlyIntegration(import).Uri);
        Assert.Equal(
            "warning: definition 'orders.json', path '/a', method 'GET': x-amazon-apigateway-integration.uri: '${AWS::StackName}' is not a pseudo parameter Tollgate fills in (Region, AccountId, Partition, URLSuffix); left as written.",
            Assert.Single(diagnostics.Items).ToString());
    }

    // ---- basePath that is not a stage name ----

    [Theory]
    [InlineData("/${environment}")]
    [InlineData("/v1.2")]
    public void Import_BasePathNotAStageName_WarnsAndNoStage(string basePath)
    {
        var (import, diagnostics) = Import(Swagger(OnePath, ", \"basePath\": \"" + basePath + "\""));
        Assert.Null(import.BasePathStage);
        Assert.Equal(
            $"warning: definition 'orders.json': basePath '{basePath}' is not a valid stage name (letters, digits, '-' and '_', at most 128); ignored, as API Gateway's import does, and served under the default stage 'prod'.",
            Assert.Single(diagnostics.Items).ToString());
    }

    // ---- OpenAPI 3 with a Swagger 2 body parameter ----

    [Fact]
    public void Import_OpenApi3BodyParameter_WarnsAndIgnores()
    {
        var (import, diagnostics) = Import(OpenApi3("\"/a\": {\"post\": {\"parameters\": [{\"name\": \"order\", \"in\": \"body\", \"schema\": {\"$ref\": \"#/components/schemas/Order\"}}], " + Mock + "}}",
            ", \"components\": {\"schemas\": {\"Order\": {\"type\": \"object\"}}}"));
        Assert.Equal(
            "warning: definition 'orders.json', path '/a', method 'POST': parameter 'order' in 'body' is not OpenAPI 3 (use requestBody); ignored, as API Gateway's import does.",
            Assert.Single(diagnostics.Items).ToString());
        var method = Assert.Single(Assert.Single(import.Api.Resources).Methods).Value;
        Assert.Empty(method.RequestModels);
        Assert.Empty(method.RequestParameters);
    }

    // ---- REST or HTTP API, from the file's constructs ----

    [Theory]
    [InlineData(", \"x-amazon-apigateway-cors\": {\"allowOrigins\": [\"*\"]}", "\"type\": \"http_proxy\", \"uri\": \"http://b\"")]
    [InlineData("", "\"type\": \"aws_proxy\", \"uri\": \"f\", \"payloadFormatVersion\": \"2.0\"")]
    [InlineData("", "\"type\": \"aws_proxy\", \"uri\": \"f\", \"payloadFormatVersion\": 1.0")]
    public void Import_HttpApiConstructsWithoutImportExportVersion_HttpApi(string top, string integration)
    {
        var (import, diagnostics) = Import(OpenApi3("\"/a\": {\"get\": {" + Integration(integration) + "}}", top));
        Assert.Equal(ApiProtocol.Http, import.Api.Protocol);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Import_RestConstructsWithImportExportVersion_RestApi()
    {
        var (import, diagnostics) = Import(OpenApi3(
            "\"/a\": {\"get\": {" + Integration("\"type\": \"mock\", \"requestTemplates\": {\"application/json\": \"{\\\"statusCode\\\": 200}\"}, \"responses\": {\"default\": {\"statusCode\": \"200\"}}") + "}}",
            ", \"x-amazon-apigateway-importexport-version\": \"1.0\", \"x-amazon-apigateway-api-key-source\": \"HEADER\""));
        Assert.Equal(ApiProtocol.Rest, import.Api.Protocol);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Import_AwsHttpApiExampleWithPassthroughBehavior_HttpApiWithoutWarning()
    {
        // The developer guide's x-amazon-apigateway-integrations example (an HTTP API) carries passthroughBehavior.
        var (import, diagnostics) = Import(OpenApi3(
            "\"/pets\": {\"get\": {\"x-amazon-apigateway-integration\": {\"$ref\": \"#/components/x-amazon-apigateway-integrations/integration1\"}}}",
            ", \"components\": {\"x-amazon-apigateway-integrations\": {\"integration1\": {\"type\": \"aws_proxy\", \"httpMethod\": \"POST\", " +
            "\"uri\": \"arn:aws:apigateway:us-east-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-2:123456789012:function:my-function/invocations\", " +
            "\"passthroughBehavior\": \"when_no_templates\", \"payloadFormatVersion\": \"1.0\"}}}"));
        Assert.Equal(ApiProtocol.Http, import.Api.Protocol);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Import_RestFileWithStrayPayloadFormatVersion_RestApiWithWarning()
    {
        // A published REST API definition (Terraform aws_api_gateway_rest_api body) that also writes payloadFormatVersion.
        var (import, diagnostics) = Import(OpenApi3(
            "\"/testing\": {\"post\": {" + Integration("\"type\": \"aws_proxy\", \"httpMethod\": \"POST\", \"uri\": \"f\", \"requestTemplates\": {\"application/json\": \"{}\"}, " +
            "\"responses\": {\"default\": {\"statusCode\": \"200\"}}, \"contentHandling\": \"CONVERT_TO_TEXT\", \"payloadFormatVersion\": 1.0") + "}}"));
        Assert.Equal(ApiProtocol.Rest, import.Api.Protocol);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("read as a REST API", StringComparison.Ordinal));
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
    }

    [Fact]
    public void Import_ImportExportVersionAlone_HttpApi() =>
        Assert.Equal(ApiProtocol.Http, Import(OpenApi3(OnePath, ", \"x-amazon-apigateway-importexport-version\": \"1.0\"")).Import.Api.Protocol);

    [Fact]
    public void Import_BothKindsOfConstructs_MajorityWinsWithWarning()
    {
        var (import, diagnostics) = Import(OpenApi3(
            "\"/a\": {\"get\": {" + Integration("\"type\": \"aws_proxy\", \"uri\": \"f\", \"payloadFormatVersion\": \"2.0\"") + "}}",
            ", \"x-amazon-apigateway-request-validators\": {}, \"x-amazon-apigateway-gateway-responses\": {}"));
        Assert.Equal(ApiProtocol.Rest, import.Api.Protocol);
        Assert.Contains(diagnostics.Items, d => d.ToString() ==
            "warning: definition 'orders.json': the document has constructs of both REST APIs (x-amazon-apigateway-gateway-responses, x-amazon-apigateway-request-validators) " +
            "and HTTP APIs (integration payloadFormatVersion); read as a REST API. Set protocolType (REST or HTTP) on the API in the config to choose.");
    }

    [Theory]
    [InlineData(ApiProtocol.Rest)]
    [InlineData(ApiProtocol.Http)]
    public void Import_ProtocolGiven_WinsOverTheDocument(ApiProtocol protocol)
    {
        var top = protocol == ApiProtocol.Rest ? ", \"x-amazon-apigateway-importexport-version\": \"1.0\", \"x-amazon-apigateway-cors\": {}" : ", \"x-amazon-apigateway-binary-media-types\": [\"*/*\"]";
        var (import, _) = Import(OpenApi3(OnePath, top), new ImportOptions { Protocol = protocol });
        Assert.Equal(protocol, import.Api.Protocol);
    }

    // ---- the $default route as AWS exports it ----

    [Fact]
    public void Import_ExportedDefaultRoute_IsTheDefaultRoute()
    {
        var (import, diagnostics) = Import(OpenApi3(
            "\"/$default\": {\"x-amazon-apigateway-any-method\": {\"isDefaultRoute\": true, " +
            Integration("\"type\": \"http_proxy\", \"httpMethod\": \"ANY\", \"uri\": \"http://b\", \"payloadFormatVersion\": \"1.0\"") + "}}",
            ", \"x-amazon-apigateway-importexport-version\": \"1.0\""));
        Assert.Empty(diagnostics.Items);
        var resource = Assert.Single(import.Api.Resources);
        Assert.Equal("$default", resource.Path);
        Assert.Equal("ANY", Assert.Single(resource.Methods).Key);
    }

    [Fact]
    public void Import_SlashDollarDefaultWithoutTheFlag_StaysAPath()
    {
        var (import, _) = Import(OpenApi3("\"/$default\": {\"x-amazon-apigateway-any-method\": {" + Mock + "}}",
            ", \"x-amazon-apigateway-importexport-version\": \"1.0\""));
        Assert.Equal("/$default", Assert.Single(import.Api.Resources).Path);
    }
}
