using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Paths;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Paths;

public sealed class RequestPathTests
{
    [Theory]
    [InlineData("/prod/pets/1", "/prod/pets/1")]
    [InlineData("/prod/pets/../orders", "/prod/orders")]
    [InlineData("/prod/pets/%2e%2E/orders", "/prod/orders")]
    [InlineData("/prod/./pets/.", "/prod/pets/")]
    [InlineData("/prod/pets/..", "/prod/")]
    [InlineData("/a/b/%2E/../c", "/a/c")]
    [InlineData("/prod/%252e%252e/x", "/prod/%252e%252e/x")]
    [InlineData("/prod/.../x", "/prod/.../x")]
    [InlineData("/prod/..%2Fx", "/prod/..%2Fx")]
    [InlineData("/prod/caf%C3%A9", "/prod/caf%C3%A9")]
    [InlineData("/", "/")]
    [InlineData("/..a/b..", "/..a/b..")]
    public void TryNormalize_ValidPath_ResolvesDotSegmentsOnly(string raw, string expected)
    {
        Assert.True(RequestPath.TryNormalize(raw, out var path, out var problem));
        Assert.Null(problem);
        Assert.Equal(expected, path);
    }

    [Theory]
    [InlineData("/..")]
    [InlineData("/prod/../..")]
    [InlineData("/%2e%2e/x")]
    [InlineData("/prod/%zz")]
    [InlineData("/prod/%")]
    [InlineData("/prod/%4")]
    [InlineData("/prod/%c0%ae")]
    [InlineData("/prod/%ed%a0%80")]
    [InlineData("/prod/%ff")]
    [InlineData("/prod/%80")]
    [InlineData("/prod/a#b")]
    public void TryNormalize_HostilePath_Refused(string raw)
    {
        Assert.False(RequestPath.TryNormalize(raw, out _, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void TryNormalize_PlainPath_ReturnsTheSameString()
    {
        var raw = "/prod/pets/123";
        Assert.True(RequestPath.TryNormalize(raw, out var path, out _));
        Assert.Same(raw, path);
    }
}

public sealed class DotSegmentsTests
{
    [Theory]
    [InlineData("/v1/..")]
    [InlineData("/v1/./x")]
    [InlineData("/v1/%2e%2e/x")]
    [InlineData("/v1/%2E./x")]
    [InlineData("/v1/..%2Fx")]
    [InlineData("/v1/..%2fx")]
    [InlineData("/v1/..\\x")]
    [InlineData("/v1/..%5cx")]
    [InlineData("/v1/x%5C..%5Cy")]
    [InlineData("/v1/..;a=b/x")]
    [InlineData("/v1/.%3Bx")]
    [InlineData("..")]
    public void ContainsAnySpelling_DotSegment_True(string path) => Assert.True(DotSegments.ContainsAnySpelling(path));

    [Theory]
    [InlineData("/v1/files/a.txt")]
    [InlineData("/v1/...")]
    [InlineData("/v1/..a")]
    [InlineData("/v1/a..")]
    [InlineData("/v1/%252e%252e")]
    [InlineData("/v1/a;..")]
    [InlineData("/v1/a;x/..b")]
    [InlineData("/")]
    [InlineData("")]
    public void ContainsAnySpelling_NoDotSegment_False(string path) => Assert.False(DotSegments.ContainsAnySpelling(path));
}

public sealed class UpstreamTargetTests
{
    [Theory]
    [InlineData("http://b:81/v1/x?y=%2e", "/v1/x?y=%2e")]
    [InlineData("http://b/v1/a b", "/v1/a%20b")]
    [InlineData("http://b/v1/a\\b", "/v1/a%5Cb")]
    [InlineData("http://b/v1/a#b", "/v1/a%23b")]
    [InlineData("http://b/v1/a%zz", "/v1/a%25zz")]
    [InlineData("http://b/v1/caf\u00e9", "/v1/caf%C3%A9")]
    [InlineData("http://b/v1/a\r\nX: y", "/v1/a%0D%0AX:%20y")]
    [InlineData("http://b", "/")]
    [InlineData("http://b?x=1", "/?x=1")]
    [InlineData("HTTPS://b/v1/%252e%252e", "/v1/%252e%252e")]
    [InlineData("http://b/v1/x?q=../..", "/v1/x?q=../..")]
    public void Create_Text_TargetAsComposedWithUnsafeCharactersEncoded(string text, string pathAndQuery)
    {
        var uri = UpstreamTarget.Create(text, out var failure);

        Assert.Null(failure);
        Assert.Equal(pathAndQuery, uri!.PathAndQuery);
    }

    [Theory]
    [InlineData("http://b/v1/files/../admin")]
    [InlineData("http://b/v1/files/%2e%2e/admin")]
    [InlineData("http://b/v1/files/..\\admin")]
    [InlineData("http://b/v1/files/..%2Fadmin")]
    [InlineData("http://b/v1/files/.")]
    public void Create_DotSegment_RefusedAsClientError(string text)
    {
        Assert.Null(UpstreamTarget.Create(text, out var failure));
        Assert.True(failure!.ByClient);
        Assert.Equal(GatewayResponseType.DEFAULT_4XX, failure.Error().Type);
    }

    [Theory]
    [InlineData("ftp://b/x")]
    [InlineData("b/x")]
    [InlineData("http:///x")]
    [InlineData("http://user@b/x")]
    [InlineData("http://b\\evil/x")]
    [InlineData("http://b c/x")]
    public void Create_NotAnHttpUrl_RefusedAsConfigurationError(string text)
    {
        Assert.Null(UpstreamTarget.Create(text, out var failure));
        Assert.False(failure!.ByClient);
    }
}

public sealed class IntegrationUriDotSegmentTests
{
    [Theory]
    [InlineData("http://b/v1/../admin/{proxy}")]
    [InlineData("http://b/v1/%2e%2e/{id}")]
    [InlineData("http://b/./{id}")]
    [InlineData("http://${stageVariables.host}/v1/{id}/..")]
    public void Compile_LiteralDotSegment_ConfigError(string uri)
    {
        var diagnostics = new Tollgate.Gateway.Diagnostics.DiagnosticBag();

        Tollgate.Gateway.Integrations.IntegrationUri.Compile(uri, System.Collections.Immutable.ImmutableDictionary<string, Tollgate.Gateway.Pipeline.ParameterSource>.Empty, "API 'a', method 'GET /x'", diagnostics);

        var error = Assert.Single(diagnostics.Items);
        Assert.Contains("dot-segment", error.Message, StringComparison.Ordinal);
        Assert.Equal("API 'a', method 'GET /x'", error.Location);
    }

    [Theory]
    [InlineData("http://b/v1/files/{proxy}")]
    [InlineData("http://b/v1.2/{id}.json?x=..")]
    [InlineData("https://${stageVariables.host}")]
    public void Compile_OrdinaryUri_NoDiagnostics(string uri)
    {
        var diagnostics = new Tollgate.Gateway.Diagnostics.DiagnosticBag();

        Tollgate.Gateway.Integrations.IntegrationUri.Compile(uri, System.Collections.Immutable.ImmutableDictionary<string, Tollgate.Gateway.Pipeline.ParameterSource>.Empty, "x", diagnostics);

        Assert.Empty(diagnostics.Items);
    }
}
