using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>
/// The REST payload 1.0 event as recordings of real AWS have it (issue 19): identity fields only
/// when they apply, the client's percent-encoding kept, runs of slashes read as one.
/// </summary>
public sealed class LambdaEventFidelityTests
{
    private const string Ok = "{\"statusCode\": 200, \"body\": \"ok\"}";

    [Fact]
    public async Task PayloadV1_WithApiKey_IdentityCarriesKeyAndKeyId()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply(Ok));
        var api = SingleMethodApi("/keyed", "GET", LambdaProxy("f"), method: m => m with { ApiKeyRequired = true });
        var config = Config(api).WithLambda(lambda.Url) with
        {
            ApiKeys = [new ApiKey { Name = "k", Value = "0123456789abcdefghij", Id = "keyid12345" }],
            UsagePlans = [new UsagePlan { Name = "p", ApiStages = [new UsagePlanApiStage { ApiId = "api", Stage = "prod" }], ApiKeys = ["k"] }],
        };
        await using var gateway = await RunningGateway.StartAsync(config);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/keyed");
        request.Headers.Add("x-api-key", "0123456789abcdefghij");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var identity = lambda.Invocations.Single().Event.GetProperty("requestContext").GetProperty("identity");
        Assert.Equal("0123456789abcdefghij", identity.GetProperty("apiKey").GetString());
        Assert.Equal("keyid12345", identity.GetProperty("apiKeyId").GetString());
        Assert.False(identity.TryGetProperty("clientCert", out _));
    }

    [Fact]
    public async Task PayloadV1_HttpApi_KeepsTopLevelVersionAndHasNoDeploymentId()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply(Ok));
        var api = SingleMethodApi("/h", "GET", LambdaProxy("f", "1.0"), api: a => a with { Protocol = ApiProtocol.Http });
        await using var gateway = await RunningGateway.StartAsync(Config(api).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync("/prod/h");

        var e = lambda.Invocations.Single().Event;
        Assert.Equal("1.0", e.GetProperty("version").GetString());
        Assert.False(e.GetProperty("requestContext").TryGetProperty("deploymentId", out _));
    }

    [Theory]
    [InlineData("/prod/items/a%2Bb", "/items/{id}", "/items/a%2Bb", "id", "a%2Bb")]
    [InlineData("/prod/items/a%20b%2Fc", "/items/{id}", "/items/a%20b%2Fc", "id", "a%20b%2Fc")]
    [InlineData("/prod/files/x%2By/z", "/files/{proxy+}", "/files/x%2By/z", "proxy", "x%2By/z")]
    public async Task PayloadV1_Rest_PathAndPathParametersKeepPercentEncoding(string requested, string resource, string path, string name, string value)
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply(Ok));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi(resource, "GET", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync(requested);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = lambda.Invocations.Single().Event;
        Assert.Equal(path, e.GetProperty("path").GetString());
        Assert.Equal(value, e.GetProperty("pathParameters").GetProperty(name).GetString());
        Assert.Equal(requested, e.GetProperty("requestContext").GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("//prod/hardcoded", "/hardcoded")]
    [InlineData("/prod//hardcoded", "/hardcoded")]
    [InlineData("//prod//hardcoded//", "/hardcoded/")]
    public async Task Rest_DoubledSlashes_RouteAsOne(string requested, string eventPath)
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply(Ok));
        var api = SingleMethodApi("/hardcoded", "GET", LambdaProxy("f"));
        await using var gateway = await RunningGateway.StartAsync(Config(api).WithLambda(lambda.Url));

        // Sent raw: an HTTP client would read "//prod" as a host.
        var (status, _) = await RawHttp.GetAsync(gateway.BaseUri.Port, requested);

        Assert.Equal(200, status);
        var e = lambda.Invocations.Single().Event;
        Assert.Equal(eventPath, e.GetProperty("path").GetString());
        Assert.Equal("/hardcoded", e.GetProperty("resource").GetString());
    }

    [Fact]
    public async Task Rest_DoubledSlashInGreedyPath_CapturedAsOne()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply(Ok));
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/go/{proxy+}", "GET", LambdaProxy("f"))).WithLambda(lambda.Url));

        using var response = await gateway.Client.GetAsync(new Uri(gateway.BaseUri, "/prod/go/https://example.com/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https:/example.com/x", lambda.Invocations.Single().Event.GetProperty("pathParameters").GetProperty("proxy").GetString());
    }
}
