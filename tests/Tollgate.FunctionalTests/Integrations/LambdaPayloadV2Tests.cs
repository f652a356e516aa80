using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>Payload format 2.0 (HTTP APIs), event and response, checked field by field.</summary>
public sealed class LambdaPayloadV2Tests
{
    private static Api HttpApi(string path, string method, Integration integration) =>
        SingleMethodApi(path, method, integration, api: a => a with { Protocol = ApiProtocol.Http });

    [Fact]
    public async Task PayloadV2_EveryFieldOfTheDocumentedEvent()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("v2", _ => new LambdaReply("{\"statusCode\": 202, \"headers\": {\"X-A\": \"1\"}, \"cookies\": [\"a=1; Path=/\", \"b=2\"], \"body\": \"accepted\"}"));
        var api = HttpApi("/items/{id}", "POST", LambdaProxy("v2")) with { Stages = [new Stage { StageName = "prod", Variables = Map(("v", "1")) }] };
        await using var gateway = await RunningGateway.StartAsync(Config(api).WithLambda(lambda.Url));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/items/a%20b?parameter1=value1&parameter1=value2&parameter2=value")
        {
            Content = new StringContent("Hello from client", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Header2", ["value1", "value2"]);
        request.Headers.Add("Cookie", "cookie1=x; cookie2=y");
        request.Headers.Add("User-Agent", "agent");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("accepted", await response.Content.ReadAsStringAsync());
        Assert.Equal(["a=1; Path=/", "b=2"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("1", response.Headers.GetValues("X-A").Single());

        var e = lambda.Invocations.Single().Event;
        Assert.Equal("2.0", e.GetProperty("version").GetString());
        Assert.Equal("POST /items/{id}", e.GetProperty("routeKey").GetString());
        Assert.Equal("/prod/items/a%20b", e.GetProperty("rawPath").GetString());
        Assert.Equal("parameter1=value1&parameter1=value2&parameter2=value", e.GetProperty("rawQueryString").GetString());
        Assert.Equal("[\"cookie1=x\",\"cookie2=y\"]", e.GetProperty("cookies").GetRawText());
        var headers = e.GetProperty("headers");
        // HttpClient folds the two values into one header line; repeated lines are joined in ProxyEventTests.
        Assert.Equal("value1, value2", headers.GetProperty("header2").GetString());
        Assert.Equal("text/plain; charset=utf-8", headers.GetProperty("content-type").GetString());
        Assert.False(headers.TryGetProperty("cookie", out _));
        foreach (var header in headers.EnumerateObject())
        {
            Assert.Equal(header.Name.ToLowerInvariant(), header.Name);
        }
        Assert.Equal("value1,value2", e.GetProperty("queryStringParameters").GetProperty("parameter1").GetString());
        Assert.Equal("value", e.GetProperty("queryStringParameters").GetProperty("parameter2").GetString());
        Assert.Equal("a b", e.GetProperty("pathParameters").GetProperty("id").GetString());
        Assert.Equal("1", e.GetProperty("stageVariables").GetProperty("v").GetString());
        Assert.Equal("Hello from client", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.False(e.TryGetProperty("multiValueHeaders", out _));

        var rc = e.GetProperty("requestContext");
        Assert.Equal("000000000000", rc.GetProperty("accountId").GetString());
        Assert.Equal("api", rc.GetProperty("apiId").GetString());
        Assert.Equal("127.0.0.1", rc.GetProperty("domainName").GetString());
        Assert.Equal("127", rc.GetProperty("domainPrefix").GetString());
        var http = rc.GetProperty("http");
        Assert.Equal("POST", http.GetProperty("method").GetString());
        Assert.Equal("/prod/items/a%20b", http.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", http.GetProperty("protocol").GetString());
        Assert.Equal("127.0.0.1", http.GetProperty("sourceIp").GetString());
        Assert.Equal("agent", http.GetProperty("userAgent").GetString());
        // HTTP APIs send the request id as apigw-requestid.
        Assert.Equal(response.Headers.GetValues("apigw-requestid").Single(), rc.GetProperty("requestId").GetString());
        Assert.Equal("POST /items/{id}", rc.GetProperty("routeKey").GetString());
        Assert.Equal("prod", rc.GetProperty("stage").GetString());
        Assert.Matches(@"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$", rc.GetProperty("time").GetString());
        Assert.Equal(JsonValueKind.Number, rc.GetProperty("timeEpoch").ValueKind);
    }

    [Theory]
    [InlineData("\"Hello from Lambda!\"", "Hello from Lambda!")]
    [InlineData("{ \"message\": \"Hello from Lambda!\" }", "{ \"message\": \"Hello from Lambda!\" }")]
    [InlineData("[1,2,3]", "[1,2,3]")]
    [InlineData("42", "42")]
    public async Task PayloadV2_AnyJsonValue_Is200ApplicationJson(string result, string body)
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("v", _ => new LambdaReply(result));
        await using var gateway = await RunningGateway.StartAsync(Config(HttpApi("/v", "GET", LambdaProxy("v"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/v");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PayloadV2_BinaryBody_Base64EncodedAndDecodedBack()
    {
        byte[] data = [1, 2, 3, 0, 255];
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("bin", e => new LambdaReply(JsonSerializer.Serialize(new { statusCode = 200, body = e.GetProperty("body").GetString(), isBase64Encoded = true })));
        await using var gateway = await RunningGateway.StartAsync(Config(HttpApi("/bin", "POST", LambdaProxy("bin"))).WithLambda(lambda.Url));

        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new("application/octet-stream");
        using var response = await gateway.Client.PostAsync("/prod/bin", content);

        Assert.True(lambda.Invocations.Single().Event.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task HttpApi_AsksForPayloadV1_GetsV1()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("one", _ => new LambdaReply("{\"statusCode\": 200, \"body\": \"v1\"}"));
        await using var gateway = await RunningGateway.StartAsync(Config(HttpApi("/one", "GET", LambdaProxy("one", "1.0"))).WithLambda(lambda.Url));
        using var response = await gateway.Client.GetAsync("/prod/one");
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        Assert.Equal("1.0", lambda.Invocations.Single().Event.GetProperty("version").GetString());
        Assert.Equal("/one", lambda.Invocations.Single().Event.GetProperty("resource").GetString());
    }
}
