using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.SigV4;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class SigV4CanonicalTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/live/orders", "/live/orders")]
    [InlineData("/a%20b", "/a%2520b")]
    [InlineData("/example space/", "/example%20space/")]
    [InlineData("/caf\u00e9", "/caf%C3%A9")]
    [InlineData("//example//", "/example/")]
    [InlineData("/./", "/")]
    [InlineData("/example1/example2/../..", "/")]
    [InlineData("/a/./b/../c", "/a/c")]
    [InlineData("/a/b/..", "/a")]
    [InlineData("/-._~", "/-._~")]
    [InlineData("/a+b=c:d", "/a%2Bb%3Dc%3Ad")]
    public void AppendCanonicalUri_Path_EncodedOnceMoreAndNormalized(string rawPath, string expected)
    {
        var b = new CharBuilder(64);
        SigV4Canonical.AppendCanonicalUri(ref b, rawPath);
        var actual = b.ToString();
        b.Dispose();

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("", false, "")]
    [InlineData("Param2=value2&Param1=value1", false, "Param1=value1&Param2=value2")]
    [InlineData("b=2&a=2&a=1", false, "a=1&a=2&b=2")]
    [InlineData("a=x%20y&c=%2f&b=%2F", false, "a=x%20y&b=%2F&c=%2F")]
    [InlineData("flag&a=", false, "a=&flag=")]
    [InlineData("p=a+b", false, "p=a%2Bb")]
    [InlineData("\u1234=bar", false, "%E1%88%B4=bar")]
    [InlineData("B=1&a=1", false, "B=1&a=1")]
    [InlineData("a=1&X-Amz-Signature=abc&X-Amz-Date=x", true, "X-Amz-Date=x&a=1")]
    [InlineData("a=1&&b=2", false, "a=1&b=2")]
    public void AppendCanonicalQuery_RawQuery_SortedAndReencoded(string rawQuery, bool presigned, string expected)
    {
        var b = new CharBuilder(64);
        SigV4Canonical.AppendCanonicalQuery(ref b, rawQuery, presigned);
        var actual = b.ToString();
        b.Dispose();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void AppendCanonicalRequest_HeadersTrimmedCollapsedAndJoined_MatchesAwsFormat()
    {
        var headers = new HeaderDictionary
        {
            ["Host"] = "example.amazonaws.com",
            ["My-Header1"] = new(["value4", "  value1 ", "value3   with   spaces"]),
            ["My-Header2"] = "\"a   b   c\"",
            ["X-Amz-Date"] = "20150830T123600Z",
        };
        var request = new SigV4Request { Method = "GET", RawPath = "/", RawQuery = "Param2=value2&Param1=value1", Headers = headers };
        var b = new CharBuilder(64);
        SigV4Canonical.AppendCanonicalRequest(ref b, request, "host;my-header1;my-header2;x-amz-date", false, BufferedBody.EmptySha256Hex);
        var actual = b.ToString();
        b.Dispose();

        Assert.Equal(
            "GET\n/\nParam1=value1&Param2=value2\n" +
            "host:example.amazonaws.com\nmy-header1:value4,value1,value3 with spaces\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\n" +
            "host;my-header1;my-header2;x-amz-date\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            actual);
    }

    [Fact]
    public void DeriveSigningKey_AwsDocumentationExample_MatchesPublishedKey()
    {
        // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
        var seed = System.Text.Encoding.UTF8.GetBytes("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

        var key = Tollgate.Gateway.SigV4.SigV4Key.DeriveSigningKey(seed, "20120215", "us-east-1", "iam");

        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }
}
