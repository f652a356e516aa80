using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary><c>$context.requestOverride</c> set by a request template, applied to a REST HTTP integration.</summary>
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
}
