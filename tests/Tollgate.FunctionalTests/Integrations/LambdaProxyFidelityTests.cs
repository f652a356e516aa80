using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.IntegrationModels;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>
/// Lambda integrations against what real API Gateway does (issue 19, and the developer guide's
/// header table in "Amazon API Gateway important notes for REST APIs").
/// </summary>
public sealed class LambdaProxyFidelityTests
{
    private const string TraceIdPattern = "^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$";

    [Fact]
    public async Task PayloadV1_WithoutStatusCode_Answers200()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{\"body\": \"no status\"}"));
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "GET", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/f");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no status", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PayloadV1_Base64BodyThatDoesNotDecode_Answers500()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{\"statusCode\": 200, \"headers\": {\"Content-Type\": \"image/png\"}, \"body\": \"***not base64***\", \"isBase64Encoded\": true}"));
        var api = SingleMethodApi("/f", "GET", LambdaProxy("f"), api: a => a with { BinaryMediaTypes = ["image/png"] });
        await using var gateway = await RunningGateway.StartAsync(Models.Config(api).WithLambda(lambda.Url));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/f");
        request.Headers.Accept.ParseAdd("image/png");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("image/png, application/json", true)]
    [InlineData("application/json, image/png", false)]
    [InlineData("text/html", false)]
    public async Task PayloadV1_Base64Body_DecodedOnlyWhenTheFirstAcceptTypeIsBinary(string accept, bool decoded)
    {
        byte[] image = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF];
        await using var lambda = await TestLambda.StartAsync();
        // The function says image/png, a binary media type: that alone does not make API Gateway decode.
        lambda.Function("img", _ => new LambdaReply(JsonSerializer.Serialize(new
        {
            statusCode = 200,
            headers = new Dictionary<string, string> { ["Content-Type"] = "image/png" },
            body = Convert.ToBase64String(image),
            isBase64Encoded = true,
        })));
        var api = SingleMethodApi("/img", "GET", LambdaProxy("img"), api: a => a with { BinaryMediaTypes = ["image/png"] });
        await using var gateway = await RunningGateway.StartAsync(Models.Config(api).WithLambda(lambda.Url));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/img");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(decoded ? image : System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(image)), body);
    }

    [Fact]
    public async Task AwsProxy_IntegrationHttpMethodNotPost_Answers500WithoutInvoking()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{\"statusCode\": 200}"));
        var integration = LambdaProxy("f") with { HttpMethod = "GET" };
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "GET", integration)).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/f");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Empty(lambda.Invocations);
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("httpMethod is 'GET', not POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PayloadV1_FunctionHeaders_FollowTheGuidesLambdaColumn()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("""
            {"statusCode": 200, "body": "hello", "headers": {
              "Content-Length": "999", "Date": "Mon, 01 Jan 2001 00:00:00 GMT", "Server": "fn", "Authorization": "a",
              "WWW-Authenticate": "Basic", "Connection": "close", "Max-Forwards": "3", "User-Agent": "fn-agent",
              "Content-MD5": "md5", "x-amzn-RequestId": "fn-id",
              "Expect": "100-continue", "Transfer-Encoding": "chunked", "Via": "1.1 fn", "Proxy-Authenticate": "x",
              "Upgrade": "h2c", "Trailer": "X", "TE": "trailers",
              "Content-Encoding": "identity", "Accept": "text/plain", "X-Plain": "yes"}}
            """));
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "GET", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/f");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal(5, response.Content.Headers.ContentLength);
        var remapped = new Dictionary<string, string>
        {
            ["Content-Length"] = "999", ["Date"] = "Mon, 01 Jan 2001 00:00:00 GMT", ["Server"] = "fn", ["Authorization"] = "a",
            ["WWW-Authenticate"] = "Basic", ["Connection"] = "close", ["Max-Forwards"] = "3", ["User-Agent"] = "fn-agent",
            ["Content-MD5"] = "md5", ["x-amzn-RequestId"] = "fn-id",
        };
        foreach (var (name, value) in remapped)
        {
            Assert.Equal(value, Header(response, "x-amzn-Remapped-" + name));
        }
        foreach (var dropped in new[] { "Expect", "Via", "Proxy-Authenticate", "Upgrade", "Trailer", "TE" })
        {
            Assert.Null(Header(response, dropped));
        }
        Assert.False(response.Headers.TransferEncodingChunked ?? false);
        Assert.NotEqual("fn-id", Header(response, "x-amzn-RequestId"));
        Assert.Equal("identity", Header(response, "Content-Encoding"));
        Assert.Equal("text/plain", Header(response, "Accept"));
        Assert.Equal("yes", Header(response, "X-Plain"));
    }

    [Fact]
    public async Task PayloadV1_Response_CarriesTraceIdAndApigwId()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{\"statusCode\": 200, \"body\": \"ok\"}"));
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "GET", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var first = await gateway.Client.GetAsync("/prod/f");
        using var second = await gateway.Client.GetAsync("/prod/f");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/f");
        request.Headers.Add("X-Amzn-Trace-Id", "Root=1-5e997648-4484556eab80abb5ee0fda32;Sampled=1");
        using var sent = await gateway.Client.SendAsync(request);

        var one = Header(first, "X-Amzn-Trace-Id");
        Assert.Matches(TraceIdPattern, one);
        Assert.NotEqual(one, Header(second, "X-Amzn-Trace-Id"));
        Assert.Equal("Root=1-5e997648-4484556eab80abb5ee0fda32;Sampled=1", Header(sent, "X-Amzn-Trace-Id"));
        Assert.Equal(one, lambda.Invocations.First().Event.GetProperty("headers").GetProperty("X-Amzn-Trace-Id").GetString());
        Assert.NotNull(Header(first, "x-amz-apigw-id"));
    }

    [Fact]
    public async Task PayloadV1_Event_StripsWhatAwsStripsAndAddsForwardedHeaders()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{\"statusCode\": 200}"));
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "POST", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/f") { Content = new StringContent("x") };
        Assert.True(request.Content.Headers.TryAddWithoutValidation("Content-MD5", "md5"));
        foreach (var (name, value) in new[]
        {
            ("Max-Forwards", "3"), ("Server", "client"), ("WWW-Authenticate", "Basic"),
            ("Proxy-Authenticate", "x"), ("Via", "1.1 proxy"), ("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-Port", "1"),
            ("Pragma", "no-cache"),
        })
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        }
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var e = lambda.Invocations.Single().Event;
        foreach (var map in new[] { "headers", "multiValueHeaders" })
        {
            var headers = e.GetProperty(map);
            foreach (var stripped in new[] { "Content-MD5", "Max-Forwards", "Server", "WWW-Authenticate", "Proxy-Authenticate", "Connection" })
            {
                Assert.False(headers.TryGetProperty(stripped, out _), $"{map} has {stripped}");
            }
            Assert.Equal("10.0.0.1, 127.0.0.1", Value(headers, "X-Forwarded-For"));
            Assert.Equal(gateway.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(headers, "X-Forwarded-Port"));
            Assert.Equal("http", Value(headers, "X-Forwarded-Proto"));
            Assert.Equal("1.1 proxy", Value(headers, "Via"));
            Assert.Equal("no-cache", Value(headers, "Pragma"));
            Assert.Equal("1", Value(headers, "Content-Length"));
            Assert.Equal(gateway.BaseUri.Authority, Value(headers, "Host"));
            Assert.Matches(TraceIdPattern, Value(headers, "X-Amzn-Trace-Id"));
        }
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("Connection")]
    [InlineData("Expect")]
    [InlineData("Proxy-Authenticate")]
    [InlineData("TE")]
    [InlineData("Content-Length")]
    [InlineData("Transfer-Encoding")]
    public async Task LambdaCustom_MappingAHeaderAwsRefuses_Answers500WithoutInvoking(string header)
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{}"));
        var integration = Lambda("f", null, Response("default", 200)) with
        {
            RequestParameters = Map(("integration.request.header." + header, "'value'")),
        };
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "GET", integration)).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/f");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Empty(lambda.Invocations);
    }

    [Fact]
    public async Task LambdaCustom_MappingAnOrdinaryHeader_Invokes()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{}"));
        var integration = Lambda("f", null, Response("default", 200)) with
        {
            RequestParameters = Map(("integration.request.header.X-Amz-Invocation-Type", "'RequestResponse'")),
        };
        await using var gateway = await RunningGateway.StartAsync(Models.Config(SingleMethodApi("/f", "GET", integration)).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/f");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(lambda.Invocations);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static string? Value(JsonElement headers, string name)
    {
        if (!headers.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Array ? string.Join(", ", value.EnumerateArray().Select(v => v.GetString())) : value.GetString();
    }
}
