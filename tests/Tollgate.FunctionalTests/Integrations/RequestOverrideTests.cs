using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>
/// <c>$context.requestOverride</c> and <c>$context.responseOverride</c> set by a request template:
/// applied to a REST HTTP integration, visible to the response template of the same request, and
/// (responseOverride) applied to the method response, as recordings of real AWS show (issue 19).
/// </summary>
public sealed class RequestOverrideTests
{
    [Theory]
    [InlineData("#set($context.requestOverride.path.id = \"v2 $input.params('itemId')\")", "/items/v2%2042/detail?page=1")]
    [InlineData("## no override", "/items/42/detail?page=1")]
    public async Task Http_RequestOverridePath_ReplacesTheMappedPathParameter(string template, string expected)
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/items/{id}/detail", template + "\n#set($context.requestOverride.querystring.page = \"1\"){}", Response("default", 200)) with
        {
            RequestParameters = Map(("integration.request.path.id", "method.request.path.itemId")),
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/items/{itemId}", "POST", integration)));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/prod/items/42") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, echo.RootElement.GetProperty("rawTarget").GetString());
    }
    [Fact]
    public async Task Mock_RequestOverrideSetInRequestTemplate_VisibleInResponseTemplate()
    {
        var mock = new Gateway.Model.Integration
        {
            Type = Gateway.Model.IntegrationType.Mock,
            RequestTemplates = Map(("application/json", "#set($context.requestOverride.header.X-Trace = \"t-$input.params('n')\")\n#set($context.requestOverride.querystring.page = 2)\n{\"statusCode\": 200}")),
            Responses = [Response("default", 200, "{\"trace\": \"$context.requestOverride.header.X-Trace\", \"page\": \"$context.requestOverride.querystring.page\"}")],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/m", "GET", mock)));

        using var response = await gateway.Client.GetAsync("/prod/m?n=7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"trace\": \"t-7\", \"page\": \"2\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{\"from\": \"response template\"}")]
    public async Task Mock_ResponseOverrideSetInRequestTemplate_TakesEffect(string? responseTemplate)
    {
        var mock = new Gateway.Model.Integration
        {
            Type = Gateway.Model.IntegrationType.Mock,
            RequestTemplates = Map(("application/json", "#set($context.responseOverride.status = 444)\n#set($context.responseOverride.header.X-From-Request = \"yes\")\n{\"statusCode\": 200}")),
            Responses = [Response("default", 200, responseTemplate)],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/m", "GET", mock)));

        using var response = await gateway.Client.GetAsync("/prod/m");

        Assert.Equal(444, (int)response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-From-Request").Single());
        Assert.Equal(responseTemplate ?? "", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mock_ResponseTemplateOverride_WinsOverRequestTemplateOverride()
    {
        var mock = new Gateway.Model.Integration
        {
            Type = Gateway.Model.IntegrationType.Mock,
            RequestTemplates = Map(("application/json", "#set($context.responseOverride.status = 444){\"statusCode\": 200}")),
            Responses = [Response("default", 200, "#set($context.responseOverride.status = 418)seen $context.responseOverride.status")],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/m", "GET", mock)));

        using var response = await gateway.Client.GetAsync("/prod/m");

        Assert.Equal(418, (int)response.StatusCode);
        Assert.Equal("seen 418", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{statusCode: 200}")]
    [InlineData("statusCode=200")]
    public async Task Mock_RequestTemplateNotJson_Selects200WithEmptyBody(string requestTemplate)
    {
        // AWS answers such a MOCK with its 200 response (recordings of real AWS, issue 19), not a 500.
        var mock = new Gateway.Model.Integration
        {
            Type = Gateway.Model.IntegrationType.Mock,
            RequestTemplates = Map(("application/json", requestTemplate)),
            Responses = [Response("4\\d{2}", 400, "{\"bad\": true}"), Response("default", 200)],
        };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/m", "GET", mock)));

        using var response = await gateway.Client.GetAsync("/prod/m");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }
}
