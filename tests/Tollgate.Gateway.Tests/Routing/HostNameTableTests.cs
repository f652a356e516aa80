using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Tests.Routing;

public sealed class HostNameTableTests
{
    [Theory]
    [InlineData("api.example.org", "exact")]
    [InlineData("API.EXAMPLE.ORG", "exact")]
    [InlineData("a.example.org", "wildcard")]
    [InlineData("A.Example.Org", "wildcard")]
    [InlineData("a.b.example.org", "deeper")]
    [InlineData("x.y.b.example.org", null)]
    [InlineData("example.org", null)]
    [InlineData(".example.org", null)]
    [InlineData("a.example.org.", null)]
    [InlineData("other.net", null)]
    [InlineData("", null)]
    public void TryGetValue_ExactThenOneLabelWildcard(string host, string? expected)
    {
        var table = new HostNameTable<string>();
        table.Add("api.example.org", "exact");
        table.Add("*.example.org", "wildcard");
        table.Add("*.b.example.org", "deeper");
        Assert.Equal(expected is not null, table.TryGetValue(host, out var value));
        Assert.Equal(expected, expected is null ? null : value);
    }
}
