using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Tests.Forwarding;

/// <summary>
/// The header table against the developer guide's ("Amazon API Gateway important notes for REST
/// APIs": request and response columns for http / http_proxy / lambda) and the recorded refusals.
/// </summary>
public sealed class HeaderRulesTests
{
    [Theory]
    // The guide's request column, http / http_proxy / lambda.
    [InlineData("Content-MD5", "D D D")]
    [InlineData("Content-Encoding", "P D P")]
    [InlineData("Via", "D D P")]
    [InlineData("Max-Forwards", "D D D")]
    [InlineData("Server", "D D D")]
    [InlineData("WWW-Authenticate", "D D D")]
    [InlineData("Expect", "D D D")]
    [InlineData("Authorization", "P P P")]
    [InlineData("Pragma", "P P P")]
    [InlineData("Content-Length", "D D P")]
    [InlineData("X-Anything", "P P P")]
    public void ClientRequest_FollowsTheGuidesRequestColumn(string name, string expected)
    {
        Assert.Equal(expected, Codes(t => HeaderRules.ClientRequest(name, t)));
        Assert.Equal(expected, Codes(t => HeaderRules.ClientRequest(name.ToLowerInvariant(), t)));
    }

    [Theory]
    // The guide's response column, http / http_proxy / lambda.
    [InlineData("Accept", "D P P")]
    [InlineData("Date", "R R R")]
    [InlineData("Server", "R R R")]
    [InlineData("Connection", "R R R")]
    [InlineData("Expect", "D D D")]
    [InlineData("Via", "P D D")]
    [InlineData("Content-Length", "P P R")]
    [InlineData("x-amzn-RequestId", "R R R")]
    [InlineData("Content-Type", "P P P")]
    public void IntegrationResponse_FollowsTheGuidesResponseColumn(string name, string expected)
    {
        Assert.Equal(expected, Codes(t => HeaderRules.IntegrationResponse(name, t)));
        Assert.Equal(expected, Codes(t => HeaderRules.IntegrationResponse(name.ToUpperInvariant(), t)));
    }

    [Theory]
    [InlineData("Content-Length", "X X X")]
    [InlineData("Transfer-Encoding", "X X X")]
    [InlineData("Authorization", "P P X")]
    [InlineData("Connection", "D D X")]
    [InlineData("Expect", "D D X")]
    [InlineData("Proxy-Authenticate", "D D X")]
    [InlineData("TE", "D D X")]
    [InlineData("Host", "D D D")]
    [InlineData("X-Custom", "P P P")]
    public void MappedRequest_RefusalsAndDrops(string name, string expected)
    {
        Assert.Equal(expected, Codes(t => HeaderRules.MappedRequest(name, t)));
    }

    /// <summary>The three columns as letters, http / http_proxy / lambda: P pass, D drop, R remap, X refuse.</summary>
    private static string Codes(Func<HeaderTarget, HeaderAction> rule) => string.Join(' ',
        new[] { HeaderTarget.Http, HeaderTarget.HttpProxy, HeaderTarget.Lambda }.Select(t => rule(t) switch
        {
            HeaderAction.Pass => 'P',
            HeaderAction.Drop => 'D',
            HeaderAction.Remap => 'R',
            _ => 'X',
        }));

    [Theory]
    [InlineData("Content-Length", "x-amzn-Remapped-Content-Length")]
    [InlineData("content-type", "content-type")]
    [InlineData("Content-Encoding", "Content-Encoding")]
    [InlineData("Content-MD5", "Content-MD5")]
    [InlineData("WWW-Authenticate", "x-amzn-Remapped-WWW-Authenticate")]
    [InlineData("X-Plain", "X-Plain")]
    [InlineData("Transfer-Encoding", null)]
    public void SetMappedResponse_RemapsReservedNames(string name, string? expected)
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        HeaderRules.SetMappedResponse(headers, name, "v");
        if (expected is null)
        {
            Assert.Empty(headers);
        }
        else
        {
            Assert.Equal("v", Assert.Single(headers, h => h.Key == expected).Value.ToString());
        }
    }
}
