using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>AWS_PROXY through the real gateway to a Lambda Invoke API server: events checked field by field.</summary>
public sealed class LambdaProxyTests
{
    private const string Ok = "{\"statusCode\": 200, \"body\": \"ok\"}";

    [Fact]
    public async Task PayloadV1_EveryFieldOfTheDocumentedEvent()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("hello", _ => new LambdaReply("{\"statusCode\": 201, \"headers\": {\"X-A\": \"1\", \"X-Both\": \"single\"}, \"multiValueHeaders\": {\"X-M\": [\"a\", \"b\"], \"X-Both\": [\"multi\"]}, \"body\": \"created\"}"));
        var api = SingleMethodApi("/{proxy+}", "ANY", LambdaProxy("hello"),
            api: a => a with { Stages = [new Stage { StageName = "testStage", Variables = Map(("stageVariableName", "stageVariableValue")) }] });
        await using var gateway = await RunningGateway.StartAsync(Config(api).WithLambda(lambda.Url));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/testStage/hello/world?name=me&multivalueName=you&multivalueName=me")
        {
            Content = new StringContent("{\r\n\t\"a\": 1\r\n}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("headerName", "headerValue");
        request.Headers.Add("User-Agent", "PostmanRuntime/2.4.5");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("created", await response.Content.ReadAsStringAsync());
        Assert.Equal("1", response.Headers.GetValues("X-A").Single());
        Assert.Equal(["a", "b"], response.Headers.GetValues("X-M"));
        // AWS (recorded) sends both: the multiValueHeaders values first, then the headers one.
        Assert.Equal(["multi", "single"], response.Headers.GetValues("X-Both"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        var e = lambda.Invocations.Single().Event;
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:hello", lambda.Invocations.Single().Function);
        // A REST API's event has no top-level version (recordings of real AWS, issue 19).
        Assert.False(e.TryGetProperty("version", out _));
        Assert.Equal("/{proxy+}", e.GetProperty("resource").GetString());
        Assert.Equal("/hello/world", e.GetProperty("path").GetString());
        Assert.Equal("POST", e.GetProperty("httpMethod").GetString());
        Assert.Equal("headerValue", e.GetProperty("headers").GetProperty("headerName").GetString());
        Assert.Equal("application/json; charset=utf-8", e.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(gateway.BaseUri.Authority, e.GetProperty("headers").GetProperty("Host").GetString());
        Assert.Equal("headerValue", e.GetProperty("multiValueHeaders").GetProperty("headerName")[0].GetString());
        Assert.Equal("me", e.GetProperty("queryStringParameters").GetProperty("name").GetString());
        Assert.Equal("me", e.GetProperty("queryStringParameters").GetProperty("multivalueName").GetString());
        Assert.Equal("[\"you\",\"me\"]", e.GetProperty("multiValueQueryStringParameters").GetProperty("multivalueName").GetRawText());
        Assert.Equal("[\"me\"]", e.GetProperty("multiValueQueryStringParameters").GetProperty("name").GetRawText());
        Assert.Equal("hello/world", e.GetProperty("pathParameters").GetProperty("proxy").GetString());
        Assert.Equal("stageVariableValue", e.GetProperty("stageVariables").GetProperty("stageVariableName").GetString());
        Assert.Equal("{\r\n\t\"a\": 1\r\n}", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());

        var rc = e.GetProperty("requestContext");
        Assert.Equal("000000000000", rc.GetProperty("accountId").GetString());
        Assert.Equal("api", rc.GetProperty("apiId").GetString());
        Assert.False(rc.TryGetProperty("authorizer", out _));
        Assert.Equal("127.0.0.1", rc.GetProperty("domainName").GetString());
        Assert.Equal("127", rc.GetProperty("domainPrefix").GetString());
        var requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
        Assert.Equal(requestId, rc.GetProperty("requestId").GetString());
        Assert.Equal(requestId, rc.GetProperty("extendedRequestId").GetString());
        Assert.Equal("POST", rc.GetProperty("httpMethod").GetString());
        Assert.Equal("/testStage/hello/world", rc.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", rc.GetProperty("protocol").GetString());
        Assert.Matches(@"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$", rc.GetProperty("requestTime").GetString());
        Assert.Equal(JsonValueKind.Number, rc.GetProperty("requestTimeEpoch").ValueKind);
        Assert.InRange(rc.GetProperty("requestTimeEpoch").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Matches("^[a-z0-9]{6}$", rc.GetProperty("resourceId").GetString());
        Assert.Equal("/{proxy+}", rc.GetProperty("resourcePath").GetString());
        Assert.Equal("testStage", rc.GetProperty("stage").GetString());
        Assert.Matches("^[a-z0-9]{6}$", rc.GetProperty("deploymentId").GetString());
        var identity = rc.GetProperty("identity");
        Assert.Equal("127.0.0.1", identity.GetProperty("sourceIp").GetString());
        Assert.Equal("PostmanRuntime/2.4.5", identity.GetProperty("userAgent").GetString());
        // Exactly the fields AWS sends without an API key or mutual TLS: no apiKey, apiKeyId or clientCert.
        string[] nullFields = ["cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "user", "principalOrgId"];
        foreach (var field in nullFields)
        {
            Assert.Equal(JsonValueKind.Null, identity.GetProperty(field).ValueKind);
        }
        Assert.Equal(
            [.. nullFields.Append("sourceIp").Append("userAgent").Order(StringComparer.Ordinal)],
            identity.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task PayloadV1_NoQueryPathStageVariablesOrBody_AreNull()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply(Ok));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/plain", "GET", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/plain");

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        var e = lambda.Invocations.Single().Event;
        foreach (var field in new[] { "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables", "body" })
        {
            Assert.Equal(JsonValueKind.Null, e.GetProperty(field).ValueKind);
        }
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task PayloadV1_BinaryMediaTypes_Base64BothWays()
    {
        byte[] image = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF, 0x10];
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("img", e => new LambdaReply(JsonSerializer.Serialize(new
        {
            statusCode = 200,
            headers = new Dictionary<string, string> { ["Content-Type"] = "image/png" },
            body = e.GetProperty("body").GetString(),
            isBase64Encoded = true,
        })));
        var api = SingleMethodApi("/img", "POST", LambdaProxy("img"), api: a => a with { BinaryMediaTypes = ["image/png"] });
        await using var gateway = await RunningGateway.StartAsync(Config(api).WithLambda(lambda.Url));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/img") { Content = new ByteArrayContent(image) };
        request.Content.Headers.ContentType = new("image/png");
        request.Headers.Accept.ParseAdd("image/png");
        using var response = await gateway.Client.SendAsync(request);

        var e = lambda.Invocations.Single().Event;
        Assert.True(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Convert.ToBase64String(image), e.GetProperty("body").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(image, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"just text\"")]
    [InlineData("{\"statusCode\": 200, \"body\": {\"a\": 1}}")]
    [InlineData("{\"statusCode\": 200, \"body\": \"x\", \"extra\": true}")]
    [InlineData("{\"statusCode\": \"abc\"}")]
    [InlineData("{\"statusCode\": 200, \"headers\": {\"X\": {\"nested\": 1}}}")]
    [InlineData("not json at all")]
    public async Task PayloadV1_MalformedResult_Answers502(string result)
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("bad", _ => new LambdaReply(result));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/bad", "GET", LambdaProxy("bad"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/bad");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("InternalServerErrorException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("malformed Lambda proxy response", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FunctionError_Answers502()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("boom", _ => new LambdaReply("{\"errorMessage\":\"kaput\",\"errorType\":\"Error\"}", "Unhandled"));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/boom", "GET", LambdaProxy("boom"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/boom");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("kaput", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowFunction_Answers504()
    {
        var release = new TaskCompletionSource();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("slow", async _ =>
        {
            await release.Task;
            return new LambdaReply(Ok);
        });
        var integration = LambdaProxy("slow") with { TimeoutInMillis = 100 };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/slow", "GET", integration)).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/slow");
        release.SetResult();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("{\"message\":\"Endpoint request timed out\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownFunction_InvokeApiRefuses_Answers500()
    {
        await using var lambda = await TestLambda.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/none", "GET", LambdaProxy("none"))).WithLambda(lambda.Url));
        using var response = await gateway.Client.GetAsync("/prod/none");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoLambdaEndpoint_StartsWithAWarningNamingTheMethodAndAnswers500()
    {
        // Issue 19: an export served on its own must start; the method answers as AWS does for a function it cannot invoke.
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/f", "GET", LambdaProxy("f"))));
        Assert.Contains(gateway.Server.Warnings, p => p.Location == "API 'api', method 'GET /f'"
            && p.Message.Contains("no Lambda endpoint for function", StringComparison.Ordinal));
        using var response = await gateway.Client.GetAsync("/prod/f");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AwsServiceIntegration_OtherThanLambda_Answers500AndLogsWhy()
    {
        var integration = new Integration { Type = IntegrationType.Aws, HttpMethod = "POST", Uri = "arn:aws:apigateway:eu-west-1:dynamodb:action/PutItem" };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/put", "POST", integration)));
        using var response = await gateway.Client.PostAsync("/prod/put", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("other than Lambda are not served", StringComparison.Ordinal));
    }
}
