using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Tests.Routing;

/// <summary>REST route selection among siblings: a literal segment, then a variable, then a greedy variable.</summary>
public sealed class RouteTableTests
{
    private static CompiledMethod Route(string method, string path) =>
        new(new Method { HttpMethod = method }, path, [], [], new NotServedIntegration(path, "test", NullLogger.Instance));

    [Theory]
    [InlineData("/pets/mine", "/pets/mine")]
    [InlineData("/pets/7", "/pets/{petId}")]
    [InlineData("/pets/7/toys", "/pets/{proxy+}")]
    public void Match_SiblingLiteralVariableGreedy_LiteralBeatsVariableBeatsGreedy(string path, string expected)
    {
        // The validator allows one variable part under a parent in a REST API; the table itself
        // still orders siblings, which is what this pins.
        var table = new RouteTable();
        table.Add("/pets/{proxy+}", Route("ANY", "/pets/{proxy+}"));
        table.Add("/pets/{petId}", Route("GET", "/pets/{petId}"));
        table.Add("/pets/mine", Route("GET", "/pets/mine"));
        Assert.Equal(expected, table.Match(path, "GET", out _)?.ResourcePath);
    }
}
