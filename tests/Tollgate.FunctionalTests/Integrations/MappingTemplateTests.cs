using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>Velocity mapping templates through the real gateway, with AWS's documented examples.</summary>
public sealed class MappingTemplateTests
{
    private static string Fixture(string folder, string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "templates", folder, file));

    [Fact]
    public async Task Http_PetstoreResponseTemplate_MapsBackendBodyLikeAws()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(Fixture("petstore-pets-response", "body.json"));
        });
        var integration = Http(backend.Url + "/pets", null, Response("default", 200, Fixture("petstore-pets-response", "template.vtl"))) with { HttpMethod = "GET" };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/pets", "GET", integration)));

        using var response = await gateway.Client.GetAsync("/prod/pets");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Fixture("petstore-pets-response", "expected.txt"), await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Http_PhotosRequestTemplate_SendsMappedBodyToBackend()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/photos", Fixture("photos-request", "template.vtl"), Response("default", 200));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/photos", "POST", integration)));

        using var response = await gateway.Client.PostAsync("/prod/photos", new StringContent(Fixture("photos-request", "body.json"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var sent = JsonDocument.Parse(echo.RootElement.GetProperty("body").GetString()!);
        using var expected = JsonDocument.Parse(Fixture("photos-request", "expected.json"));
        Assert.True(JsonElement.DeepEquals(expected.RootElement, sent.RootElement), sent.RootElement.GetRawText());
    }

    [Fact]
    public async Task Http_OnlyMappedHeadersAndQueryReachBackend_ClientOnesDoNot()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/items/{id}", "{\"q\": \"$input.params('q')\", \"stage\": \"$context.stage\", \"var\": \"$stageVariables.color\"}", Response("default", 200)) with
        {
            RequestParameters = Map(
                ("integration.request.path.id", "method.request.path.itemId"),
                ("integration.request.header.X-Trace", "method.request.header.X-Client-Trace"),
                ("integration.request.querystring.page", "method.request.querystring.p"),
                ("integration.request.header.X-Static", "'fixed'")),
        };
        var api = SingleMethodApi("/items/{itemId}", "POST", integration, api: a => a with { Stages = [new Stage { StageName = "prod", Variables = Map(("color", "blue")) }] });
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/items/a%20b?p=2&q=find&other=x") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Client-Trace", "t-1");
        request.Headers.Add("X-Not-Mapped", "secret");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = echo.RootElement;
        Assert.Equal("/items/a%20b?page=2", root.GetProperty("rawTarget").GetString());
        Assert.Equal("{\"q\": \"find\", \"stage\": \"prod\", \"var\": \"blue\"}", root.GetProperty("body").GetString());
        var headers = root.GetProperty("headers");
        Assert.Equal("t-1", headers.GetProperty("X-Trace").GetString());
        Assert.Equal("fixed", headers.GetProperty("X-Static").GetString());
        Assert.Equal("application/json", headers.GetProperty("Content-Type").GetString());
        Assert.Equal("AmazonAPIGateway_api", headers.GetProperty("User-Agent").GetString());
        Assert.False(headers.TryGetProperty("X-Not-Mapped", out _));
        Assert.False(headers.TryGetProperty("X-Client-Trace", out _));
    }

    [Fact]
    public async Task Http_ResponsesSelectedByStatus_ParametersFromIntegrationResponse()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.StatusCode = http.Request.Query["fail"] == "1" ? 404 : 201;
            http.Response.ContentType = "application/json";
            http.Response.Headers["X-Backend-Id"] = "b-7";
            await http.Response.WriteAsync("{\"order\":{\"id\":\"o-42\",\"n\":3},\"msg\":\"gone\"}");
        });
        var integration = Http(backend.Url + "/orders", null,
            Response("4\\d{2}", 400, "{\"error\": \"$input.path('$.msg')\", \"backend\": $context.integration.status}"),
            Response("default", 200, null,
                ("method.response.header.X-Id", "integration.response.header.X-Backend-Id"),
                ("method.response.header.X-Order", "integration.response.body.order.id"),
                ("method.response.header.X-Order-Json", "integration.response.body.order"),
                ("method.response.header.X-Stage", "context.stage"))) with
        {
            RequestParameters = Map(("integration.request.querystring.fail", "method.request.querystring.fail")),
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/orders", "POST", integration)));

        using var ok = await gateway.Client.PostAsync("/prod/orders", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("{\"order\":{\"id\":\"o-42\",\"n\":3},\"msg\":\"gone\"}", await ok.Content.ReadAsStringAsync());
        Assert.Equal("b-7", ok.Headers.GetValues("X-Id").Single());
        Assert.Equal("o-42", ok.Headers.GetValues("X-Order").Single());
        Assert.Equal("{\"id\":\"o-42\",\"n\":3}", ok.Headers.GetValues("X-Order-Json").Single());
        Assert.Equal("prod", ok.Headers.GetValues("X-Stage").Single());
        Assert.Equal("application/json", ok.Content.Headers.ContentType?.MediaType);

        using var failed = await gateway.Client.PostAsync("/prod/orders?fail=1", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        Assert.Equal("{\"error\": \"gone\", \"backend\": 404}", await failed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http_NoMatchingResponseAndNoDefault_Answers500()
    {
        await using var backend = await TestBackend.StartAsync(http =>
        {
            http.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var integration = Http(backend.Url + "/x", null, Response("2\\d{2}", 200));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/x", "POST", integration)));
        using var response = await gateway.Client.PostAsync("/prod/x", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("no integration response matches '503'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http_SlowBackend_Answers504AndRecordsIntegrationError()
    {
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync(async _ => await release.Task);
        var integration = Http(backend.Url + "/slow", null, Response("default", 200)) with { TimeoutInMillis = 100 };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/slow", "POST", integration)));
        using var response = await gateway.Client.PostAsync("/prod/slow", new StringContent("{}", Encoding.UTF8, "application/json"));
        release.SetResult();
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("{\"message\":\"Endpoint request timed out\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mock_VelocityTemplates_ConditionalStatusAndResponseOverride()
    {
        const string RequestTemplate = """
            #if( $input.params('scope') == "internal" )
            {"statusCode": 200}
            #else
            {"statusCode": 403}
            #end
            """;
        const string Allowed = """
            #set($context.responseOverride.header.X-Who = "$input.params('user')")
            {"hello": "$input.params('user')", "requestId": "$context.requestId", "missing": "$context.nothing$undefined"}
            """;
        const string Refused = """
            #set($context.responseOverride.status = 401)
            {"denied": true}
            """;
        var mock = new Integration
        {
            Type = IntegrationType.Mock,
            RequestTemplates = Map(("application/json", RequestTemplate)),
            Responses = [Response("403", 403, Refused), Response("default", 200, Allowed)],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/hello", "GET", mock)));

        using var ok = await gateway.Client.GetAsync("/prod/hello?scope=internal&user=ada");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var requestId = ok.Headers.GetValues("x-amzn-RequestId").Single();
        Assert.Equal($"{{\"hello\": \"ada\", \"requestId\": \"{requestId}\", \"missing\": \"\"}}", await ok.Content.ReadAsStringAsync());
        Assert.Equal("ada", ok.Headers.GetValues("X-Who").Single());

        using var refused = await gateway.Client.GetAsync("/prod/hello?scope=public");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("{\"denied\": true}", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mock_TemplateFailsAtRunTime_Answers500AndLogs()
    {
        var mock = Mock("{\"cut\": \"$input.params('word').substring(10)\"}");
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/cut", "GET", mock)));
        using var response = await gateway.Client.GetAsync("/prod/cut?word=abc");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("InternalServerErrorException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("response template 'application/json' failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mock_ContextAuthorizerAndIdentity_ReadFromRequestContext()
    {
        var mock = Mock("{\"ip\": \"$context.identity.sourceIp\", \"method\": \"$context.httpMethod\", \"path\": \"$context.resourcePath\", \"who\": \"$context.authorizer.principalId\"}");
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/pets/{id}", "GET", mock)));
        using var response = await gateway.Client.GetAsync("/prod/pets/1");
        Assert.Equal("{\"ip\": \"127.0.0.1\", \"method\": \"GET\", \"path\": \"/pets/{id}\", \"who\": \"\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http_BinaryBackendBody_ConvertedByAcceptAndBinaryMediaTypes()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF];
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.ContentType = "image/png";
            await http.Response.Body.WriteAsync(png);
        });
        var integration = Http(backend.Url + "/logo", null, Response("default", 200, null, ("method.response.header.Content-Type", "integration.response.header.Content-Type"))) with { HttpMethod = "GET" };
        var api = SingleMethodApi("/logo", "GET", integration, api: a => a with { BinaryMediaTypes = ["image/png"] });
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var binary = new HttpRequestMessage(HttpMethod.Get, "/prod/logo");
        binary.Headers.Accept.ParseAdd("image/png");
        using var asBinary = await gateway.Client.SendAsync(binary);
        Assert.Equal(png, await asBinary.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", asBinary.Content.Headers.ContentType?.MediaType);

        using var text = new HttpRequestMessage(HttpMethod.Get, "/prod/logo");
        text.Headers.Accept.ParseAdd("application/json");
        using var asText = await gateway.Client.SendAsync(text);
        Assert.Equal(Convert.ToBase64String(png), await asText.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http_ContentHandlingConvertToText_TemplateSeesBase64()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/upload", null, Response("default", 200)) with
        {
            RequestTemplates = Map(("application/octet-stream", "{\"data\": \"$input.body\"}")),
            ContentHandling = ContentHandling.ConvertToText,
        };
        var api = SingleMethodApi("/upload", "POST", integration, api: a => a with { BinaryMediaTypes = ["application/octet-stream"] });
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var content = new ByteArrayContent([1, 2, 3, 250]);
        content.Headers.ContentType = new("application/octet-stream");
        using var response = await gateway.Client.PostAsync("/prod/upload", content);

        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("{\"data\": \"AQID+g==\"}", echo.RootElement.GetProperty("body").GetString());
        Assert.Equal("application/octet-stream", echo.RootElement.GetProperty("headers").GetProperty("Content-Type").GetString());
    }
}
