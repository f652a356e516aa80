using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Observability;

namespace Tollgate.Gateway.Tests.Observability;

/// <summary>The caller's trace context: accepted when well formed, ignored (a new trace) when anything is off.</summary>
public sealed class TraceHeaderTests
{
    private const string Root = "Root=1-5759e988-bd862e3fe1be46a994272793";

    [Theory]
    [InlineData(Root + ";Parent=53995c3f42cd8ad8;Sampled=1", "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true)]
    [InlineData("Sampled=0; Parent=53995c3f42cd8ad8 ;" + Root, "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", false)]
    // Root only, as a load balancer starts a trace: the parent id is made from the root (its last 16 digits).
    [InlineData(Root + ";Lineage=a87bd80c:1|68fd508a:5", "5759e988bd862e3fe1be46a994272793", "e1be46a994272793", true)]
    public void Xray_WellFormed_Accepted(string header, string traceId, string parentId, bool sampled)
    {
        Assert.True(Tracing.TryParseXray(header, out var context));
        Assert.Equal(traceId, context.TraceId.ToHexString());
        Assert.Equal(parentId, context.SpanId.ToHexString());
        Assert.Equal(sampled, context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.True(context.IsRemote);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Root=")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279")]           // a digit short
    [InlineData("Root=1-5759e988-bd862e3fe1be46a9942727933")]         // a digit long
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793")]          // another version
    [InlineData("Root=1-5759E988-BD862E3FE1BE46A994272793")]          // upper case
    [InlineData("Root=1-zzzzzzzz-bd862e3fe1be46a994272793")]
    [InlineData("Root=1-00000000-000000000000000000000000")]          // the invalid all-zero id
    [InlineData(Root + ";Parent=53995c3f42cd8ad")]                     // parent a digit short
    [InlineData(Root + ";Parent=0000000000000000")]
    [InlineData(Root + ";Parent=53995c3f42cd8ad8%0d%0a")]
    [InlineData("Parent=53995c3f42cd8ad8;Sampled=1")]                   // no root
    public void Xray_Malformed_Ignored(string header) =>
        Assert.False(Tracing.TryParseXray(header, out _));

    [Fact]
    public void Xray_Oversized_IgnoredUnread()
    {
        var header = Root + ";Parent=53995c3f42cd8ad8;Sampled=1;" + new string('x', 300);
        Assert.False(Tracing.TryParseXray(header, out _));
    }

    [Fact]
    public void ParentOf_TraceparentFirst_ThenXray_RepeatedHeadersIgnored()
    {
        var both = new HeaderDictionary
        {
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["X-Amzn-Trace-Id"] = Root + ";Parent=53995c3f42cd8ad8;Sampled=1",
        };
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Tracing.ParentOf(both).TraceId.ToHexString());

        var badTraceparent = new HeaderDictionary
        {
            ["traceparent"] = "00-not-a-trace",
            ["X-Amzn-Trace-Id"] = Root + ";Parent=53995c3f42cd8ad8;Sampled=1",
        };
        Assert.Equal("5759e988bd862e3fe1be46a994272793", Tracing.ParentOf(badTraceparent).TraceId.ToHexString());

        // Two values of a header that must be single: which to believe is unknowable, so neither.
        var repeated = new HeaderDictionary
        {
            ["traceparent"] = new(["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-11111111111111111111111111111111-2222222222222222-01"]),
        };
        Assert.Equal(default, Tracing.ParentOf(repeated));
        Assert.Equal(default, Tracing.ParentOf(new HeaderDictionary()));
    }
}
