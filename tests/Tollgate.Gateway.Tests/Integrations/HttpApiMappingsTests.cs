using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Integrations.HttpApi;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Integrations;

public sealed class HttpApiMappingsTests
{
    private static (HttpApiMappings Mappings, string[] Errors) Compile(
        (string Key, string Value)[] request, params (string Status, (string Key, string Value)[] Mappings)[] responses)
    {
        var diagnostics = new DiagnosticBag();
        var mappings = HttpApiMappings.Compile(
            request.ToImmutableDictionary(p => p.Key, p => p.Value),
            responses.ToImmutableDictionary(r => r.Status, r => r.Mappings.ToImmutableDictionary(p => p.Key, p => p.Value)),
            "API 'a', route 'GET /p'",
            diagnostics);
        return (mappings, [.. diagnostics.Items.Select(d => d.ToString())]);
    }

    private static RequestContext Context(string path = "/pets/7", string query = "?a=1&b=2&a=3")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.QueryString = new QueryString(query);
        http.Request.Headers["X-Tenant"] = "acme";
        var api = new CompiledApi(new Api { Id = "a", Protocol = ApiProtocol.Http }, new RouteTable(true), GatewayResponseRenderer.Default, 1024);
        return new RequestContext(http, "req-1", DateTimeOffset.UnixEpoch, 0)
        {
            Stage = new CompiledStage(api, new Stage { StageName = "$default", Variables = ImmutableDictionary<string, string>.Empty.Add("env", "dev") }),
            Method = new CompiledMethod(new Method { HttpMethod = "GET" }, "/pets/{id}", ["id"], [], new NotServedIntegration("x", "x", NullLogger.Instance)),
            PathParameterRawValues = ["7"],
            ResourceRelativePath = path,
        };
    }

    [Theory]
    [InlineData("static", "static")]
    [InlineData("$request.header.x-tenant", "acme")]
    [InlineData("$request.querystring.a", "1,3")]
    [InlineData("$request.path", "/pets/7")]
    [InlineData("$request.path.id", "7")]
    [InlineData("$context.requestId", "req-1")]
    [InlineData("$stageVariables.env", "dev")]
    [InlineData("prefix-$request.header.x-tenant", "prefix-acme")]
    [InlineData("${request.header.x-tenant}suffix $request.path.id", "acmesuffix 7")]
    [InlineData("cost: $5 or $x", "cost: $5 or $x")]
    [InlineData("$request.header.missing", null)]
    [InlineData("a-$request.header.missing-b", "a-")]
    public void MappingValue_Resolve_ReadsRequestContextAndStage(string text, string? expected)
    {
        var value = MappingValue.Parse(text, out var error);
        Assert.Null(error);
        Assert.Equal(expected, value!.Resolve(Context()));
    }

    [Theory]
    [InlineData("$request.body.name", "request body mappings are not supported")]
    [InlineData("$method.request.header.x", "'$method.request.header.x' is not $request.header.X")]
    [InlineData("${request.header.x", "is not closed")]
    public void MappingValue_Parse_UnknownReference_Error(string text, string message)
    {
        Assert.Null(MappingValue.Parse(text, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("append:header.Authorization", "'Authorization' is a reserved header")]
    [InlineData("overwrite:header.x-amz-date", "'x-amz-date' is a reserved header")]
    [InlineData("remove:header.Access-Control-Allow-Origin", "reserved header")]
    [InlineData("replace:header.x", "is not append|overwrite|remove:header.name")]
    [InlineData("append:body.x", "request parameters map header.name, querystring.name or path, not 'body'")]
    [InlineData("overwrite:statuscode", "is not append|overwrite|remove:header.name")]
    [InlineData("integration.request.header.x", "is not append|overwrite|remove:header.name")]
    public void Compile_BadRequestKey_ErrorNamesRoute(string key, string message)
    {
        var (_, errors) = Compile([(key, "v")]);
        var error = Assert.Single(errors);
        Assert.StartsWith("error: API 'a', route 'GET /p': ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2xx", "overwrite:statuscode", "204", "keys are backend status codes")]
    [InlineData("200", "overwrite:statuscode", "2O4", "'2O4' is not a status code")]
    [InlineData("200", "append:querystring.x", "v", "response parameters are append|overwrite|remove:header.name or overwrite:statuscode")]
    [InlineData("200", "overwrite:header.x-amzn-RequestId", "v", "reserved header")]
    public void Compile_BadResponseMapping_Error(string status, string key, string value, string message)
    {
        var (_, errors) = Compile([], (status, [(key, value)]));
        Assert.Contains(message, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_RequestMappingReadsResponse_Error()
    {
        var (_, errors) = Compile([("append:header.x", "$response.header.y")]);
        Assert.Contains("reads the response", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ResponseBodyReference_MarksStatusForBuffering()
    {
        var (mappings, errors) = Compile([], ("200", [("append:header.x-id", "$response.body.id")]), ("404", [("overwrite:statuscode", "410")]));
        Assert.Empty(errors);
        Assert.True(mappings.Responses[200].ReadsBody);
        Assert.False(mappings.Responses[404].ReadsBody);
    }

    [Fact]
    public void BuildTarget_QueryAndPathMappings_Applied()
    {
        var (mappings, errors) = Compile(
        [
            ("append:querystring.a", "9"),
            ("overwrite:querystring.b", "$request.header.x-tenant"),
            ("remove:querystring.c", "''"),
            ("append:querystring.new one", "x y"),
            ("overwrite:path", "/v2/$request.path.id"),
        ]);
        Assert.Empty(errors);
        var integration = Integration(mappings, "https://backend.example.com/base/{id}?c=1&keep=yes");
        var target = integration.BuildTarget(Context(), out var problem);
        Assert.Null(problem);
        Assert.Equal("https://backend.example.com/v2/7?keep=yes&a=1&a=3&a=9&new%20one=x%20y&b=acme", target!.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://backend.example.com", false, "https://backend.example.com/?a=1&b=2&a=3")]
    [InlineData("https://backend.example.com/base/{id}", false, "https://backend.example.com/base/7?a=1&b=2&a=3")]
    [InlineData("https://backend.example.com/base", true, "https://backend.example.com/base/pets/7?a=1&b=2&a=3")]
    [InlineData("https://backend.example.com/", true, "https://backend.example.com/pets/7?a=1&b=2&a=3")]
    public void BuildTarget_NoMappings_UriAsGivenOrWithRequestPathForDefaultRoute(string uri, bool defaultRoute, string expected)
    {
        var target = Integration(Compile([]).Mappings, uri, defaultRoute).BuildTarget(Context(), out var problem);
        Assert.Null(problem);
        Assert.Equal(expected, target!.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://b/{proxy+}", "https://b/{proxy}")]
    [InlineData("https://b/{proxy}", "https://b/{proxy}")]
    [InlineData("https://b/a+b/{x+}?q=1+2", "https://b/a+b/{x}?q=1+2")]
    public void NormalizeUri_GreedyPlaceholder_StandsForItsName(string uri, string expected) =>
        Assert.Equal(expected, HttpApiProxyIntegration.NormalizeUri(uri));

    private static HttpApiProxyIntegration Integration(HttpApiMappings mappings, string uri, bool defaultRoute = false) => new(
        IntegrationUri.Compile(uri, ImmutableDictionary<string, ParameterSource>.Empty, "x", new DiagnosticBag()),
        defaultRoute,
        null,
        mappings,
        TimeSpan.FromSeconds(30),
        null!,
        1024,
        ServerSettings.DefaultUpgradeProtocols,
        null!,
        NullLogger.Instance);
}
