using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Tests.Routing;

/// <summary>HTTP API route selection, after AWS's example in http-api-develop-routes.md.</summary>
public sealed class HttpApiRouteTableTests
{
    private static CompiledMethod Route(string method, string path) =>
        new(new Method { HttpMethod = method }, path, [], [], new NotServedIntegration(path, "test", NullLogger.Instance));

    private static RouteTable AwsExample()
    {
        var table = new RouteTable(httpApi: true);
        table.Add("/pets/dog/{id}", Route("GET", "/pets/dog/{id}"));
        table.Add("/pets/{proxy+}", Route("GET", "/pets/{proxy+}"));
        table.Add("/{proxy+}", Route("ANY", "/{proxy+}"));
        table.DefaultRoute = Route("ANY", "$default");
        return table;
    }

    [Theory]
    [InlineData("GET", "/pets/dog/1", "/pets/dog/{id}")]
    [InlineData("GET", "/pets/cat/1", "/pets/{proxy+}")]
    [InlineData("POST", "/test/5", "/{proxy+}")]
    [InlineData("POST", "/pets/cat/1", "/{proxy+}")]
    [InlineData("GET", "/", "$default")]
    public void Match_AwsExample_PicksMostSpecificThenGreedyThenDefault(string method, string path, string expected) =>
        Assert.Equal(expected, AwsExample().Match(path, method, out _)?.ResourcePath);

    [Theory]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    [InlineData("PROPFIND")]
    [InlineData("trace")]
    public void Match_MethodOutsideAny_NeverMatchesAnyNorDefault(string method)
    {
        Assert.Null(AwsExample().Match("/test/5", method, out _));
        Assert.Null(AwsExample().Match("/", method, out _));

        var rest = new RouteTable();
        rest.Add("/{proxy+}", Route("ANY", "/{proxy+}"));
        rest.Add("/echo", Route(method, "/echo"));
        Assert.Null(rest.Match("/files/a", method, out _));
        Assert.Equal("/echo", rest.Match("/echo", method, out _)?.ResourcePath);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void Match_AwsMethod_MatchesAny(string method)
    {
        var rest = new RouteTable();
        rest.Add("/{proxy+}", Route("ANY", "/{proxy+}"));
        Assert.Equal("/{proxy+}", rest.Match("/files/a", method, out _)?.ResourcePath);
    }

    [Fact]
    public void Match_NoRouteAndNoDefault_ReturnsNull()
    {
        var table = new RouteTable(httpApi: true);
        table.Add("/pets", Route("GET", "/pets"));
        Assert.Null(table.Match("/toys", "GET", out _));
        Assert.Null(table.Match("/pets", "POST", out _));
    }

    [Fact]
    public void Match_TrailingSlash_IsPartOfTheHttpApiPath()
    {
        var table = new RouteTable(httpApi: true);
        table.Add("/metrics", Route("GET", "/metrics"));
        Assert.Equal("/metrics", table.Match("/metrics", "GET", out _)?.ResourcePath);
        Assert.Null(table.Match("/metrics/", "GET", out _));

        table.Add("/metrics/{proxy+}", Route("GET", "/metrics/{proxy+}"));
        Assert.Equal("/metrics/{proxy+}", table.Match("/metrics/", "GET", out var values)?.ResourcePath);
        Assert.Equal([""], values);
    }

    [Fact]
    public void Match_TrailingSlash_IgnoredByRestApis()
    {
        var table = new RouteTable();
        table.Add("/metrics", Route("GET", "/metrics"));
        Assert.Equal("/metrics", table.Match("/metrics/", "GET", out _)?.ResourcePath);
    }

    [Fact]
    public void Match_PathCase_IsSignificant()
    {
        var table = AwsExample();
        Assert.Equal("/{proxy+}", table.Match("/PETS/dog/1", "GET", out _)?.ResourcePath);
    }

    [Fact]
    public void Match_Greedy_CapturesTheRestOfThePath()
    {
        Assert.Equal("/pets/{proxy+}", AwsExample().Match("/pets/a/b/c", "GET", out var values)?.ResourcePath);
        Assert.Equal(["a/b/c"], values);
    }
}
