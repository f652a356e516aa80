using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using static Tollgate.Gateway.Tests.Config.OpenApiImporterTests;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

public sealed class OpenApiImporterSecurityTests
{
    private const string ApiKeyScheme = "\"api_key\": {\"type\": \"apiKey\", \"name\": \"x-api-key\", \"in\": \"header\"}";

    private const string TokenScheme =
        "\"tok\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authtype\": \"custom\", " +
        "\"x-amazon-apigateway-authorizer\": {\"type\": \"token\", \"authorizerUri\": \"arn:aws:apigateway:us-east-1:lambda:path/fn\", " +
        "\"authorizerCredentials\": \"arn:aws:iam::1:role/r\", \"identityValidationExpression\": \"^Bearer .+$\", \"authorizerResultTtlInSeconds\": \"60\"}}";

    private const string CognitoScheme =
        "\"users\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authtype\": \"cognito_user_pools\", " +
        "\"x-amazon-apigateway-authorizer\": {\"type\": \"cognito_user_pools\", \"providerARNs\": [\"arn:aws:cognito-idp:us-east-1:1:userpool/p\"]}}";

    private const string SigV4Scheme = "\"sigv4\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authtype\": \"awsSigv4\"}";

    private static (OpenApiImport Import, DiagnosticBag Diagnostics) WithSchemes(string security, string schemes, string extra = "") =>
        Import(Swagger("\"/a\": {\"get\": {" + (security.Length == 0 ? "" : "\"security\": " + security + ", ") + Mock + "}}",
            ", \"securityDefinitions\": {" + schemes + "}" + extra));

    private static Method OnlyMethod(OpenApiImport import) => Assert.Single(Assert.Single(import.Api.Resources).Methods).Value;

    [Fact]
    public void Import_ApiKeyScheme_SetsApiKeyRequired()
    {
        var (import, diagnostics) = WithSchemes("[{\"api_key\": []}]", ApiKeyScheme);
        Assert.Empty(diagnostics.Items);
        var method = OnlyMethod(import);
        Assert.True(method.ApiKeyRequired);
        Assert.Equal("NONE", method.AuthorizationType);
        Assert.Empty(import.Api.Authorizers);
    }

    [Fact]
    public void Import_TokenAuthorizer_CustomWithIdentitySourceFromSchemeHeader()
    {
        var (import, diagnostics) = WithSchemes("[{\"api_key\": []}, {\"tok\": []}]", ApiKeyScheme + ", " + TokenScheme);
        Assert.Empty(diagnostics.Items);
        var method = OnlyMethod(import);
        Assert.True(method.ApiKeyRequired);
        Assert.Equal("CUSTOM", method.AuthorizationType);
        Assert.Equal("tok", method.AuthorizerId);
        var authorizer = import.Api.Authorizers["tok"];
        Assert.Equal(
            new Authorizer
            {
                Name = "tok",
                Type = "token",
                AuthorizerUri = "arn:aws:apigateway:us-east-1:lambda:path/fn",
                AuthorizerCredentials = "arn:aws:iam::1:role/r",
                IdentitySource = "method.request.header.Authorization",
                IdentityValidationExpression = "^Bearer .+$",
                ResultTtlInSeconds = 60,
                AuthType = "custom",
            },
            authorizer with { ProviderArns = [], JwtAudience = [] });
    }

    [Fact]
    public void Import_RequestAuthorizer_KeepsIdentitySourceAsWritten()
    {
        var (import, _) = WithSchemes("[{\"req\": []}]",
            "\"req\": {\"type\": \"apiKey\", \"name\": \"Unused\", \"in\": \"header\", \"x-amazon-apigateway-authorizer\": {\"type\": \"REQUEST\", " +
            "\"identitySource\": \"method.request.header.A, method.request.querystring.b\", \"authorizerUri\": \"arn:x\"}}");
        Assert.Equal("CUSTOM", OnlyMethod(import).AuthorizationType);
        Assert.Equal("request", import.Api.Authorizers["req"].Type);
        Assert.Equal("method.request.header.A, method.request.querystring.b", import.Api.Authorizers["req"].IdentitySource);
    }

    [Fact]
    public void Import_CognitoAuthorizer_ScopesFromRequirement()
    {
        var (import, diagnostics) = WithSchemes("[{\"users\": [\"orders/read\", \"orders/admin\"]}]", CognitoScheme);
        Assert.Empty(diagnostics.Items);
        var method = OnlyMethod(import);
        Assert.Equal("COGNITO_USER_POOLS", method.AuthorizationType);
        Assert.Equal("users", method.AuthorizerId);
        Assert.Equal<string>(["orders/read", "orders/admin"], method.AuthorizationScopes);
        Assert.Equal<string>(["arn:aws:cognito-idp:us-east-1:1:userpool/p"], import.Api.Authorizers["users"].ProviderArns);
        Assert.Equal("cognito_user_pools", import.Api.Authorizers["users"].AuthType);
    }

    [Fact]
    public void Import_AwsSigv4AuthType_AwsIamWithoutAuthorizer()
    {
        var (import, diagnostics) = WithSchemes("[{\"sigv4\": []}]", SigV4Scheme);
        Assert.Empty(diagnostics.Items);
        Assert.Equal("AWS_IAM", OnlyMethod(import).AuthorizationType);
        Assert.Null(OnlyMethod(import).AuthorizerId);
        Assert.Empty(import.Api.Authorizers);
    }

    [Fact]
    public void Import_JwtAuthorizer_IssuerAudienceAndScopes()
    {
        var (import, diagnostics) = Import(OpenApi3(
            "\"/a\": {\"get\": {\"security\": [{\"jwt\": [\"read\"]}], " + Mock + "}}",
            ", \"components\": {\"securitySchemes\": {\"jwt\": {\"type\": \"oauth2\", \"x-amazon-apigateway-authorizer\": {\"type\": \"jwt\", " +
            "\"identitySource\": \"$request.header.Authorization\", \"jwtConfiguration\": {\"issuer\": \"https://issuer\", \"audience\": [\"a\", \"b\"]}}}}}" +
            ", \"x-amazon-apigateway-importexport-version\": \"1.0\""));
        Assert.Empty(diagnostics.Items);
        var method = OnlyMethod(import);
        Assert.Equal("JWT", method.AuthorizationType);
        Assert.Equal<string>(["read"], method.AuthorizationScopes);
        Assert.Equal("https://issuer", import.Api.Authorizers["jwt"].JwtIssuer);
        Assert.Equal<string>(["a", "b"], import.Api.Authorizers["jwt"].JwtAudience);
    }

    [Fact]
    public void Import_JwtAuthorizerWithOpenIdConnectUrl_IssuerFromDiscoveryUrl()
    {
        var (import, diagnostics) = Import(OpenApi3("\"/a\": {\"get\": {" + Mock + "}}",
            ", \"components\": {\"securitySchemes\": {\"oidc\": {\"type\": \"openIdConnect\", \"openIdConnectUrl\": \"https://idp.example.com/pool/.well-known/openid-configuration\", " +
            "\"x-amazon-apigateway-authorizer\": {\"type\": \"jwt\", \"jwtConfiguration\": {\"audience\": [\"a\"]}}}}}"));
        Assert.Empty(diagnostics.Items);
        Assert.Equal("https://idp.example.com/pool", import.Api.Authorizers["oidc"].JwtIssuer);
    }

    [Fact]
    public void Import_HttpApiLambdaAuthorizer_PayloadVersionAndSimpleResponses()
    {
        var (import, _) = WithSchemes("", "\"l\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authorizer\": " +
            "{\"type\": \"request\", \"authorizerPayloadFormatVersion\": \"2.0\", \"enableSimpleResponses\": true, \"authorizerResultTtlInSeconds\": 0}}");
        var authorizer = import.Api.Authorizers["l"];
        Assert.Equal("2.0", authorizer.PayloadFormatVersion);
        Assert.True(authorizer.EnableSimpleResponses);
        Assert.Equal(0, authorizer.ResultTtlInSeconds);
    }

    [Theory]
    [InlineData("\"type\": \"oauth\"", "x-amazon-apigateway-authorizer.type 'oauth' is not one of token, request, cognito_user_pools, jwt.")]
    [InlineData("\"authorizerUri\": \"arn:x\"", "x-amazon-apigateway-authorizer.type is missing.")]
    [InlineData("\"type\": \"token\", \"authorizerResultTtlInSeconds\": 3601", "x-amazon-apigateway-authorizer.authorizerResultTtlInSeconds 3601 is outside 0..3600.")]
    [InlineData("\"type\": \"token\", \"authorizerResultTtlInSeconds\": \"soon\"", "x-amazon-apigateway-authorizer.authorizerResultTtlInSeconds must be an integer, not a string.")]
    [InlineData("\"type\": \"jwt\"", "x-amazon-apigateway-authorizer.jwtConfiguration.issuer is missing.")]
    [InlineData("\"type\": \"token\", \"providerARNs\": \"arn\"", "x-amazon-apigateway-authorizer.providerARNs must be a list, not a string.")]
    public void Import_BadAuthorizer_ErrorNamesSecurityScheme(string members, string message)
    {
        var (_, diagnostics) = WithSchemes("", "\"auth\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authorizer\": {" + members + "}}");
        Assert.Equal("error: definition 'orders.json', security scheme 'auth': " + message, Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void Import_TopLevelSecurity_AppliesUnlessOperationHasItsOwnOrEmpty()
    {
        var (import, diagnostics) = Import(Swagger(
            "\"/a\": {\"get\": {" + Mock + "}, \"post\": {\"security\": [{\"sigv4\": []}], " + Mock + "}, \"options\": {\"security\": [], " + Mock + "}}",
            ", \"securityDefinitions\": {" + ApiKeyScheme + ", " + SigV4Scheme + "}, \"security\": [{\"api_key\": []}]"));
        Assert.Empty(diagnostics.Items);
        var methods = Assert.Single(import.Api.Resources).Methods;
        Assert.True(methods["GET"].ApiKeyRequired);
        Assert.False(methods["POST"].ApiKeyRequired);
        Assert.Equal("AWS_IAM", methods["POST"].AuthorizationType);
        Assert.False(methods["OPTIONS"].ApiKeyRequired);
        Assert.Equal("NONE", methods["OPTIONS"].AuthorizationType);
    }

    [Fact]
    public void Import_UndefinedSecurityScheme_WarnsNamingMethodAndIgnoresIt()
    {
        // AWS imports a requirement on an undefined scheme with a warning (issue 19, from real exports).
        var (import, diagnostics) = WithSchemes("[{\"nope\": []}]", ApiKeyScheme);
        Assert.Equal(
            "warning: definition 'orders.json', path '/a', method 'GET': security requirement 'nope' is not defined in securityDefinitions; ignored, as API Gateway's import does.",
            Assert.Single(diagnostics.Items).ToString());
        var method = Assert.Single(Assert.Single(import.Api.Resources).Methods).Value;
        Assert.False(method.ApiKeyRequired);
        Assert.Equal("NONE", method.AuthorizationType);
    }

    [Fact]
    public void Import_UndefinedApiKeyScheme_WarnsAndStillRequiresTheKey()
    {
        var (import, diagnostics) = Import(Swagger("\"/a\": {\"get\": {\"security\": [{\"api_key\": []}], " + Mock + "}}"));
        Assert.Equal(
            "warning: definition 'orders.json', path '/a', method 'GET': security requirement 'api_key' is not defined in securityDefinitions; read as API Gateway's API key scheme: the method requires an API key.",
            Assert.Single(diagnostics.Items).ToString());
        Assert.True(Assert.Single(Assert.Single(import.Api.Resources).Methods).Value.ApiKeyRequired);
    }

    [Fact]
    public void Import_Swagger2SecurityDefinitionsInOpenApi3_WarnsAndApiKeyStillRequired()
    {
        var (import, diagnostics) = Import(OpenApi3("\"/a\": {\"get\": {\"security\": [{\"api_key\": []}], " + Mock + "}}",
            ", \"securityDefinitions\": {" + ApiKeyScheme + "}"));
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning &&
            d.Message.StartsWith("security requirement 'api_key' is not defined in components.securitySchemes", StringComparison.Ordinal));
        Assert.False(diagnostics.HasErrors);
        Assert.True(Assert.Single(Assert.Single(import.Api.Resources).Methods).Value.ApiKeyRequired);
    }

    [Fact]
    public void Import_TwoAuthorizations_Error()
    {
        var (import, diagnostics) = WithSchemes("[{\"tok\": []}, {\"sigv4\": []}]", TokenScheme + ", " + SigV4Scheme);
        Assert.Equal(
            "error: definition 'orders.json', path '/a', method 'GET': more than one authorization ('tok' and 'sigv4'); API Gateway allows one per method.",
            Assert.Single(diagnostics.Items).ToString());
        Assert.Equal("tok", OnlyMethod(import).AuthorizerId);
    }

    [Theory]
    [InlineData("\"plain\": {\"type\": \"basic\"}", "not an API key scheme (apiKey in header x-api-key), and has no x-amazon-apigateway-authorizer or x-amazon-apigateway-authtype; methods using it get no authorization from it.")]
    [InlineData("\"plain\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authtype\": \"oauth2\"}", "x-amazon-apigateway-authtype 'oauth2' without x-amazon-apigateway-authorizer; methods using it get no authorization from it.")]
    public void Import_SchemeGivingNoAuthorization_Warns(string scheme, string message)
    {
        var (import, diagnostics) = WithSchemes("[{\"plain\": []}]", scheme);
        Assert.Equal("warning: definition 'orders.json', security scheme 'plain': " + message, Assert.Single(diagnostics.Items).ToString());
        Assert.Equal("NONE", OnlyMethod(import).AuthorizationType);
        Assert.False(OnlyMethod(import).ApiKeyRequired);
    }

    [Fact]
    public void Import_UnknownAuthorizerField_KeptWithWarning()
    {
        var (import, diagnostics) = WithSchemes("", "\"a\": {\"type\": \"apiKey\", \"name\": \"Authorization\", \"in\": \"header\", \"x-amazon-apigateway-authorizer\": {\"type\": \"token\", \"authorizerType\": \"x\"}}");
        var extension = Assert.Single(import.Api.Extensions);
        Assert.Equal("securityDefinitions.a.x-amazon-apigateway-authorizer", extension.Location);
        Assert.Equal("authorizerType", extension.Name);
        Assert.Single(diagnostics.Items);
    }

    [Fact]
    public void Import_SecurityNotList_Error()
    {
        var (_, diagnostics) = WithSchemes("{\"api_key\": []}", ApiKeyScheme);
        Assert.Equal("error: definition 'orders.json', path '/a', method 'GET': security must be a list, not an object.", Assert.Single(diagnostics.Items).ToString());
    }
}
