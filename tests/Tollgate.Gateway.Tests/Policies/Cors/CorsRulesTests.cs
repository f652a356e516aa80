using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Policies.Cors;

namespace Tollgate.Gateway.Tests.Policies.Cors;

public sealed class CorsRulesTests
{
    private static CorsRules Rules(
        string[]? origins = null, string[]? methods = null, string[]? headers = null, string[]? expose = null, int? maxAge = 300, bool credentials = false) =>
        new(origins ?? ["https://app.example.com"], methods ?? ["GET", "DELETE"], headers ?? ["authorization", "content-type"], expose ?? [], maxAge, credentials);

    private static DefaultHttpContext Preflight(string origin, string method, string? headers = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "OPTIONS";
        http.Request.Headers.Origin = origin;
        http.Request.Headers["Access-Control-Request-Method"] = method;
        if (headers is not null)
        {
            http.Request.Headers["Access-Control-Request-Headers"] = headers;
        }
        return http;
    }

    [Fact]
    public void TryAnswerPreflight_AllowedRequest_Answers204WithCorsHeaders()
    {
        var http = Preflight("https://app.example.com", "DELETE", "Content-Type, Authorization");
        Assert.True(Rules(credentials: true).TryAnswerPreflight(http));
        var headers = http.Response.Headers;
        Assert.Equal(204, http.Response.StatusCode);
        Assert.Equal("https://app.example.com", headers.AccessControlAllowOrigin);
        Assert.Equal("GET,DELETE", headers.AccessControlAllowMethods);
        Assert.Equal("authorization,content-type", headers.AccessControlAllowHeaders);
        Assert.Equal("300", headers.AccessControlMaxAge);
        Assert.Equal("true", headers.AccessControlAllowCredentials);
        Assert.Equal("Origin", headers.Vary);
    }

    [Theory]
    [InlineData("https://evil.example.com", "GET", null)]
    [InlineData("https://app.example.com", "PUT", null)]
    [InlineData("https://app.example.com", "GET", "x-secret")]
    [InlineData("https://app.example.com", "GET", "authorization, x-secret")]
    public void TryAnswerPreflight_Disallowed_Answers204WithoutCorsHeaders(string origin, string method, string? headers)
    {
        var http = Preflight(origin, method, headers);
        Assert.True(Rules().TryAnswerPreflight(http));
        Assert.Equal(204, http.Response.StatusCode);
        Assert.DoesNotContain(http.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TryAnswerPreflight_NotAPreflight_False()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "OPTIONS";
        http.Request.Headers.Origin = "https://app.example.com";
        Assert.False(Rules().TryAnswerPreflight(http));
        http.Request.Method = "GET";
        http.Request.Headers["Access-Control-Request-Method"] = "GET";
        Assert.False(Rules().TryAnswerPreflight(http));
    }

    [Fact]
    public void TryAnswerPreflight_Wildcards_AnswerStarAndEchoRequests()
    {
        var http = Preflight("https://anyone.example.org", "PATCH", "X-One, X-Two");
        Assert.True(Rules(origins: ["*"], methods: ["*"], headers: ["*"], maxAge: null).TryAnswerPreflight(http));
        var headers = http.Response.Headers;
        Assert.Equal("*", headers.AccessControlAllowOrigin);
        Assert.Equal("PATCH", headers.AccessControlAllowMethods);
        Assert.Equal("X-One, X-Two", headers.AccessControlAllowHeaders);
        Assert.False(headers.ContainsKey("Access-Control-Max-Age"));
        Assert.False(headers.ContainsKey("Vary"));
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("HTTPS://APP.EXAMPLE.COM", true)]
    [InlineData("https://a.b.example.org", true)]
    [InlineData("https://example.org", false)]
    [InlineData("http://a.example.org", false)]
    [InlineData("https://app.example.com.evil", false)]
    [InlineData("", false)]
    public void IsOriginAllowed_ExactAndPatterns(string origin, bool expected) =>
        Assert.Equal(expected, Rules(origins: ["https://app.example.com", "https://*.example.org"]).IsOriginAllowed(origin));

    [Fact]
    public void ApplyToResponse_AllowedOrigin_ReplacesBackendCorsHeaders()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Headers.Origin = "https://app.example.com";
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.AccessControlAllowMethods = "PUT";
        http.Response.Headers.Vary = "Accept-Encoding";
        Rules(expose: ["x-request-id", "date"], credentials: true).ApplyToResponse(http);
        var headers = http.Response.Headers;
        Assert.Equal("https://app.example.com", headers.AccessControlAllowOrigin);
        Assert.Equal("true", headers.AccessControlAllowCredentials);
        Assert.Equal("x-request-id,date", headers.AccessControlExposeHeaders);
        Assert.False(headers.ContainsKey("Access-Control-Allow-Methods"));
        Assert.Equal("Accept-Encoding,Origin", headers.Vary.ToString());
    }

    [Fact]
    public void ApplyToResponse_OtherOriginOrNone_OnlyRemovesBackendCorsHeaders()
    {
        foreach (var origin in new[] { "https://evil.example.com", null })
        {
            var http = new DefaultHttpContext();
            if (origin is not null)
            {
                http.Request.Headers.Origin = origin;
            }
            http.Response.Headers.AccessControlAllowOrigin = "*";
            Rules().ApplyToResponse(http);
            Assert.DoesNotContain(http.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }
}
