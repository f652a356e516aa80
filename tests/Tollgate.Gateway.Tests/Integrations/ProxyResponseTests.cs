using System.Text;
using Tollgate.Gateway.Integrations.Lambda;

namespace Tollgate.Gateway.Tests.Integrations;

public sealed class ProxyResponseTests
{
    private static ProxyResponse? Parse(string json, bool v2, out string? problem) => ProxyResponse.Parse(Encoding.UTF8.GetBytes(json), v2, out problem);

    [Fact]
    public void Parse_V1FullResponse_HeaderInBothMaps_MultiValuesThenSingle()
    {
        var response = Parse("{\"statusCode\": \"404\", \"headers\": {\"A\": \"1\", \"B\": 2, \"C\": true}, \"multiValueHeaders\": {\"a\": [\"x\", \"y\"]}, \"body\": \"gone\", \"isBase64Encoded\": false}", false, out _);

        Assert.NotNull(response);
        Assert.Equal(404, response.StatusCode);
        // AWS (recorded): {X-Foo: bar} + {X-Foo: [foo]} gives X-Foo "foo,bar": the multi values, then the single one.
        Assert.Equal([new("a", "x"), new("a", "y"), new("A", "1"), new("B", "2"), new("C", "true")], response.Headers);
        Assert.Equal("gone", response.Body);
    }

    [Theory]
    [InlineData("{\"statusCode\": 99}", "statusCode 99 is not a status code between 100 and 599")]
    [InlineData("{\"statusCode\": 200, \"cookies\": []}", "unexpected key 'cookies'")]
    [InlineData("{\"statusCode\": 200, \"isBase64Encoded\": \"yes\"}", "isBase64Encoded must be a boolean")]
    [InlineData("{\"statusCode\": 200, \"multiValueHeaders\": {\"a\": \"x\"}}", "multiValueHeaders must be an object of arrays of strings")]
    [InlineData("null", "the result is a JSON null, not an object")]
    public void Parse_V1Malformed_SaysWhy(string json, string expected)
    {
        Assert.Null(Parse(json, false, out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Parse_V1WithoutStatusCode_Is200()
    {
        var response = Parse("{\"body\": \"hi\"}", false, out var problem);
        Assert.Null(problem);
        Assert.NotNull(response);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("hi", response.Body);
        Assert.Equal(200, Parse("{}", false, out _)!.StatusCode);
    }

    [Fact]
    public void Parse_V2ObjectWithoutStatusCode_IsTheBody()
    {
        var response = Parse("{\"body\": \"not a proxy answer\"}", true, out _);
        Assert.NotNull(response);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{\"body\": \"not a proxy answer\"}", response.Body);
    }

    [Fact]
    public void TryGetBodyBytes_Base64_DecodesOnlyWhenAsked()
    {
        var response = Parse("{\"statusCode\": 200, \"body\": \"AAEC\", \"isBase64Encoded\": true}", false, out _)!;
        Assert.True(response.TryGetBodyBytes(decode: true, out var decoded));
        Assert.Equal([0, 1, 2], decoded);
        Assert.True(response.TryGetBodyBytes(decode: false, out var text));
        Assert.Equal("AAEC"u8.ToArray(), text);
        var broken = Parse("{\"statusCode\": 200, \"body\": \"***\", \"isBase64Encoded\": true}", false, out _)!;
        Assert.False(broken.TryGetBodyBytes(decode: true, out _));
    }
}
