using System.Text;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using static Tollgate.FunctionalTests.Authorizers.HttpApiAuthorizerSetup;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>
/// An HTTP API export with a Lambda REQUEST authorizer (payload 2.0, simple responses, cached 300 s),
/// tests/fixtures/http-api/tickets-lambda-authorizer.json, loaded from a config file and served unchanged.
/// </summary>
public sealed class HttpApiAuthorizerExportTests
{
    private const string AuthFunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:tickets-auth";

    private static string Fixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "http-api", "tickets-lambda-authorizer.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("tests/fixtures/http-api/tickets-lambda-authorizer.json");
    }

    [Fact]
    public async Task Export_LambdaRequestAuthorizerWithSimpleResponses_ServedEndToEnd()
    {
        using var directory = new TempDirectory();
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tickets-auth", e => Simple(e.GetProperty("identitySource")[0].GetString() == "Bearer alice", new { tenant = "acme", plan = "pro" }));
        lambda.Function("tickets", _ => new LambdaReply("{\"statusCode\":201,\"body\":\"created\"}"));
        var path = directory.Write("gateway.yaml", $$"""
            region: eu-west-1
            accountId: "123456789012"
            lambda:
              endpoint: {{lambda.Url}}
            apis:
              - name: tickets
                definition: {{Fixture()}}
                stages:
                  - stageName: $default
                    variables: { backend: "{{backend.Url}}" }
            """);
        var load = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        Assert.DoesNotContain(load.Diagnostics, d => d.ToString().Contains("authoriz", StringComparison.OrdinalIgnoreCase));
        await using var gateway = await RunningGateway.StartAsync(() => new ConfigLoad(load.Config, load.Diagnostics, load.SourceFiles));

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/tickets/7", token: null)), 401, "Unauthorized");
        Assert.Empty(lambda.Invocations);

        var echo = await EchoAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/tickets/7", "Bearer alice")));
        Assert.Equal("/tickets/7", echo.GetProperty("path").GetString());
        Assert.Equal("acme", Header(echo, "x-tenant"));
        Assert.Equal("pro", Header(echo, "x-plan"));
        var authorizerEvent = Assert.Single(lambda.Invocations).Event;
        Assert.Equal("2.0", authorizerEvent.GetProperty("version").GetString());
        Assert.Equal("GET /tickets/{id}", authorizerEvent.GetProperty("routeKey").GetString());
        Assert.Matches(@"^arn:aws:execute-api:eu-west-1:123456789012:[^/]+/\$default/GET/tickets/7$", authorizerEvent.GetProperty("routeArn").GetString());

        // The $default route (a Lambda proxy) with the cached result: no second authorizer call.
        using var post = Request(HttpMethod.Post, "/anything/else", "Bearer alice");
        post.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var created = await gateway.Client.SendAsync(post);
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal("created", await created.Content.ReadAsStringAsync());
        Assert.Equal(1, lambda.CountOf(AuthFunctionArn));
        var proxyEvent = lambda.Invocations.Last().Event;
        Assert.Equal("$default", proxyEvent.GetProperty("routeKey").GetString());
        Assert.Equal("""{"lambda":{"tenant":"acme","plan":"pro"}}""", proxyEvent.GetProperty("requestContext").GetProperty("authorizer").GetRawText());

        await AssertHttpApiErrorAsync(await gateway.Client.SendAsync(Request(HttpMethod.Get, "/tickets/7", "Bearer mallory")), 403, "Forbidden");
        Assert.Equal(2, lambda.CountOf(AuthFunctionArn));
    }
}
