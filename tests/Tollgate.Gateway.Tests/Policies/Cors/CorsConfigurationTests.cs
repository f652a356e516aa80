using System.Text.Json;
using Tollgate.Gateway.Policies.Cors;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Cors;

public sealed class CorsConfigurationTests
{
    private static (CorsRules? Rules, string[] Errors) Parse(string json)
    {
        var diagnostics = new DiagnosticBag();
        using var document = JsonDocument.Parse(json);
        var rules = CorsConfiguration.Parse(document.RootElement, "API 'notes'", diagnostics);
        return (rules, [.. diagnostics.Items.Select(d => d.ToString())]);
    }

    [Fact]
    public void Parse_AwsExample_Accepted()
    {
        var (rules, errors) = Parse("""
            {"allowOrigins": ["https://www.example.com"], "allowCredentials": true,
             "exposeHeaders": ["x-apigateway-header", "x-amz-date", "content-type"], "maxAge": 3600,
             "allowMethods": ["GET", "OPTIONS", "POST"], "allowHeaders": ["x-apigateway-header", "x-amz-date", "content-type"]}
            """);
        Assert.Empty(errors);
        Assert.NotNull(rules);
    }

    [Theory]
    [InlineData("""{"allowOrigins": ["*"], "allowCredentials": true}""", "allowCredentials is not supported when allowOrigins has '*'")]
    [InlineData("""{"allowOrigins": ["www.example.com"]}""", "'www.example.com' is not '*' or an origin")]
    [InlineData("""{"allowOrigins": ["https://example.com/app"]}""", "'https://example.com/app' is not '*' or an origin")]
    [InlineData("""{"allowOrigins": "https://example.com"}""", "allowOrigins must be an array of strings")]
    [InlineData("""{"allowMethods": ["FETCH"]}""", "'FETCH' is not one of GET")]
    [InlineData("""{"allowHeaders": ["bad header"]}""", "'bad header' is not a header name")]
    [InlineData("""{"exposeHeaders": [""]}""", "exposeHeaders must hold non-empty strings")]
    [InlineData("""{"maxAge": 86401}""", "maxAge 86401 must be a whole number of seconds from 0 to 86400")]
    [InlineData("""{"maxAge": "300"}""", "maxAge \"300\" must be a whole number")]
    [InlineData("""{"allowCredentials": "yes"}""", "allowCredentials must be true or false")]
    [InlineData("""{"allowOrigin": ["*"]}""", "x-amazon-apigateway-cors.allowOrigin is not a CORS setting")]
    [InlineData("""[]""", "x-amazon-apigateway-cors must be an object")]
    public void Parse_BadValue_ErrorNamesApiAndField(string json, string message)
    {
        var (rules, errors) = Parse(json);
        Assert.Null(rules);
        var error = Assert.Single(errors);
        Assert.StartsWith("error: API 'notes': ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEach()
    {
        var (_, errors) = Parse("""{"allowOrigins": ["nope", "*"], "allowCredentials": true, "maxAge": -5}""");
        Assert.Equal(3, errors.Length);
    }
}
