using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

public sealed class DiagnosticBagTests
{
    [Fact]
    public void Error_AfterWarnings_SetsHasErrorsAndKeepsOrder()
    {
        var bag = new DiagnosticBag();
        bag.Warning("API 'a'", "first");
        Assert.False(bag.HasErrors);
        bag.Error("API 'a', method 'GET /x'", "second");
        Assert.True(bag.HasErrors);
        Assert.Equal(["warning: API 'a': first", "error: API 'a', method 'GET /x': second"],
            bag.Items.Select(i => i.ToString()));
    }
}
