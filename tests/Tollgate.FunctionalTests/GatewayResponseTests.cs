using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests;

public sealed class GatewayResponseTests
{
    private static readonly ImmutableDictionary<string, string> Empty = ImmutableDictionary<string, string>.Empty;

    [Fact]
    public async Task Mock_StatusCodeFromRequestTemplatePicksIntegrationResponse()
    {
        var mock = new Integration
        {
            Type = IntegrationType.Mock,
            RequestTemplates = Empty.Add("application/json", "{\"statusCode\": 404}").Add("text/plain", "{\"statusCode\": 200}"),
            Responses =
            [
                new IntegrationResponse { SelectionPattern = "4\\d{2}", StatusCode = "404", ResponseTemplates = Empty.Add("application/json", "{\"error\":\"missing\"}") },
                new IntegrationResponse
                {
                    SelectionPattern = "default",
                    StatusCode = "200",
                    ResponseParameters = Empty.Add("method.response.header.Access-Control-Allow-Origin", "'*'").Add("method.response.header.X-Stage", "context.stage"),
                    ResponseTemplates = Empty.Add("application/json", "{\"ok\":true}").Add("application/xml", "<ok/>"),
                },
            ],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(Api("m", "prod", Resource("/thing", ("POST", mock)))));

        using var json = await gateway.Client.PostAsync("/prod/thing", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal("{\"error\":\"missing\"}", await json.Content.ReadAsStringAsync());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/thing") { Content = new StringContent("hi", System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Accept.ParseAdd("application/xml");
        using var text = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("<ok/>", await text.Content.ReadAsStringAsync());
        Assert.Equal("application/xml", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", text.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("prod", text.Headers.GetValues("X-Stage").Single());
    }

    [Theory]
    [InlineData(PassthroughBehavior.Never, "text/plain", 415)]
    [InlineData(PassthroughBehavior.WhenNoTemplates, "text/plain", 415)]
    [InlineData(PassthroughBehavior.WhenNoMatch, "text/plain", 200)]
    [InlineData(PassthroughBehavior.Never, "application/json", 200)]
    public async Task Mock_Passthrough_RefusesUnmappedContentTypesWith415(PassthroughBehavior behavior, string contentType, int expected)
    {
        var mock = Mock("{}") with { PassthroughBehavior = behavior };
        await using var gateway = await RunningGateway.StartAsync(Config(Api("m", "prod", Resource("/x", ("POST", mock)))));
        using var response = await gateway.Client.PostAsync("/prod/x", new StringContent("body", System.Text.Encoding.UTF8, contentType));
        Assert.Equal(expected, (int)response.StatusCode);
        if (expected == 415)
        {
            Assert.Equal("{\"message\":\"Unsupported Media Type\"}", await response.Content.ReadAsStringAsync());
            Assert.Equal("UnsupportedMediaTypeException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        }
    }

    [Fact]
    public async Task CustomGatewayResponses_OwnTypeThenDefault4xxThenCatalogue()
    {
        var api = Api("pets", "prod", Resource("/x", ("POST", Mock("{}") with { PassthroughBehavior = PassthroughBehavior.Never }))) with
        {
            Stages = [new Stage { StageName = "prod", Variables = Empty.Add("team", "pets-team") }],
            GatewayResponses = ImmutableDictionary<GatewayResponseType, GatewayResponse>.Empty
                .Add(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, new GatewayResponse
                {
                    StatusCode = 404,
                    ResponseParameters = Empty.Add("gatewayresponse.header.Access-Control-Allow-Origin", "'*'").Add("gatewayresponse.header.X-Asked", "method.request.header.X-Ask"),
                    ResponseTemplates = Empty.Add("application/json", "{\"error\":$context.error.messageString,\"type\":\"$context.error.responseType\",\"id\":\"$context.requestId\",\"team\":\"${stageVariables.team}\",\"price\":\"$5.00\"}"),
                })
                .Add(GatewayResponseType.DEFAULT_4XX, new GatewayResponse
                {
                    ResponseParameters = Empty.Add("gatewayresponse.header.X-Default", "'4xx'"),
                    ResponseTemplates = Empty.Add("application/json", "{\"oops\":$context.error.messageString}"),
                }),
        };
        await using var gateway = await RunningGateway.StartAsync(Config(api));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/nowhere");
        request.Headers.Add("X-Ask", "question");
        using var missing = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var id = missing.Headers.GetValues("x-amzn-RequestId").Single();
        Assert.Equal($"{{\"error\":\"Missing Authentication Token\",\"type\":\"MISSING_AUTHENTICATION_TOKEN\",\"id\":\"{id}\",\"team\":\"pets-team\",\"price\":\"$5.00\"}}", await missing.Content.ReadAsStringAsync());
        Assert.Equal("*", missing.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("question", missing.Headers.GetValues("X-Asked").Single());
        Assert.Equal("MissingAuthenticationTokenException", missing.Headers.GetValues("x-amzn-ErrorType").Single());

        using var unsupported = await gateway.Client.PostAsync("/prod/x", new StringContent("a", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal((HttpStatusCode)415, unsupported.StatusCode);
        Assert.Equal("{\"oops\":\"Unsupported Media Type\"}", await unsupported.Content.ReadAsStringAsync());
        Assert.Equal("4xx", unsupported.Headers.GetValues("X-Default").Single());
    }

    [Fact]
    public async Task RequestTooLarge_ByContentLengthAndWhileStreaming_Answers413()
    {
        await using var backend = await TestBackend.StartAsync();
        var config = Config(Api("up", "prod", Resource("/up", ("POST", Proxy(backend.Url + "/up"))), Resource("/mock", ("POST", Mock("{}"))))) with
        {
            Server = new ServerSettings { MaxRequestBodyBytes = 1000 },
        };
        await using var gateway = await RunningGateway.StartAsync(config);

        using var declared = await gateway.Client.PostAsync("/prod/mock", new ByteArrayContent(new byte[1001]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("{\"message\":\"HTTP content length exceeded 1000 bytes\"}", await declared.Content.ReadAsStringAsync());

        var chunked = new StreamContent(new MemoryStream(new byte[5000]));
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/up") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal("RequestTooLargeException", streamed.Headers.GetValues("x-amzn-ErrorType").Single());

        using var fits = await gateway.Client.PostAsync("/prod/up", new ByteArrayContent(new byte[1000]));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Integration_SlowerThanTimeout_Answers504EndpointRequestTimedOut()
    {
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            await release.Task.WaitAsync(http.RequestAborted);
            await http.Response.WriteAsync("late");
        });
        var integration = Proxy(backend.Url + "/slow") with { TimeoutInMillis = 200 };
        await using var gateway = await RunningGateway.StartAsync(Config(Api("s", "prod", Resource("/slow", ("GET", integration)))));
        try
        {
            using var response = await gateway.Client.GetAsync("/prod/slow");
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("{\"message\":\"Endpoint request timed out\"}", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Integration_Unreachable_Answers504NetworkError()
    {
        // Port 1 (tcpmux) on loopback: no test binds it, so the connection is refused. A port picked
        // as "free" could be taken by a parallel test in the meantime.
        await using var gateway = await RunningGateway.StartAsync(Config(Api("d", "prod", Resource("/down", ("GET", Proxy("http://127.0.0.1:1/"))))));
        using var response = await gateway.Client.GetAsync("/prod/down");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("{\"message\":\"Network error communicating with endpoint\"}", await response.Content.ReadAsStringAsync());
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("integration failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKeyMethod_NoKeysConfigured_Answers403Forbidden()
    {
        var api = Api("k", "prod", Resource("/k", ("GET", Mock("{}"))));
        var method = api.Resources[0].Methods["GET"];
        api = api with
        {
            Resources = [api.Resources[0] with { Methods = api.Resources[0].Methods.SetItem("GET", method with { ApiKeyRequired = true }) }],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        using var response = await gateway.Client.GetAsync("/prod/k");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("ForbiddenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task BackendHeaders_RemappedLikeApiGateway()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.Headers["Server"] = "backend/1.0";
            http.Response.Headers["WWW-Authenticate"] = "Basic";
            http.Response.Headers["X-Plain"] = "yes";
            await http.Response.WriteAsync("ok");
        });
        await using var gateway = await RunningGateway.StartAsync(Config(Api("h", "prod", Resource("/h", ("GET", Proxy(backend.Url + "/h"))))));
        using var response = await gateway.Client.GetAsync("/prod/h");
        Assert.Equal("backend/1.0", response.Headers.GetValues("x-amzn-Remapped-Server").Single());
        Assert.Equal("Basic", response.Headers.GetValues("x-amzn-Remapped-WWW-Authenticate").Single());
        Assert.Equal("yes", response.Headers.GetValues("X-Plain").Single());
        Assert.False(response.Headers.Contains("Server"));
    }
}
