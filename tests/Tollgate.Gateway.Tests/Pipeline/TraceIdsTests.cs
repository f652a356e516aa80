using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Tests.Pipeline;

public sealed class TraceIdsTests
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(0x5e997648);

    [Fact]
    public void New_IsRootWithTheTimeInHexAnd96RandomBits()
    {
        var id = TraceIds.New(Time);
        Assert.Matches("^Root=1-5e997648-[0-9a-f]{24}$", id);
        Assert.NotEqual(id, TraceIds.New(Time));
        Assert.True(TraceIds.HasRoot(id));
    }

    [Theory]
    [InlineData("Root=1-5e997648-4484556eab80abb5ee0fda32;Sampled=0", true)]
    [InlineData("Self=1-abc;Root=1-5e997648-4484556eab80abb5ee0fda32", true)]
    [InlineData("Root=1-5e99764-4484556eab80abb5ee0fda32", false)]
    [InlineData("Root=2-5e997648-4484556eab80abb5ee0fda32", false)]
    [InlineData("Root=1-5e997648-4484556eab80abb5ee0fdaZZ", false)]
    [InlineData("nonsense", false)]
    public void HasRoot_OnlyWellFormedRoots(string value, bool expected) => Assert.Equal(expected, TraceIds.HasRoot(value));

    [Fact]
    public void For_KeepsTheClientsWellFormedIdElseMakesOne()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers["X-Amzn-Trace-Id"] = "Root=1-5e997648-4484556eab80abb5ee0fda32;Sampled=1";
        Assert.Equal("Root=1-5e997648-4484556eab80abb5ee0fda32;Sampled=1", TraceIds.For(http.Request, Time));

        http.Request.Headers["X-Amzn-Trace-Id"] = "Root=bogus";
        Assert.Matches("^Root=1-5e997648-[0-9a-f]{24}$", TraceIds.For(http.Request, Time));
    }

    [Fact]
    public void RequestContext_TraceId_IsMadeOncePerRequest()
    {
        var context = new RequestContext(new DefaultHttpContext(), "id", Time, 0);
        Assert.Same(context.TraceId, context.TraceId);
        Assert.Matches("^Root=1-5e997648-[0-9a-f]{24}$", context.TraceId);
    }
}
