using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Lambda;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;
using Tollgate.Gateway.Policies.Authorizers;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class AuthorizerCompileTests
{
    private const string Uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations";

    private static string[] Compile(Authorizer? authorizer, string authorizationType = "CUSTOM", string? endpoint = "http://127.0.0.1:9001", ApiProtocol protocol = ApiProtocol.Rest,
        DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        var method = new Method
        {
            HttpMethod = "GET",
            AuthorizationType = authorizationType,
            AuthorizerId = authorizer?.Name ?? "missing",
            Integration = new Integration { Type = IntegrationType.Mock },
        };
        var config = new GatewayConfig
        {
            Apis =
            [
                new Api
                {
                    Id = "orders",
                    Protocol = protocol,
                    Resources = [new Resource { Path = "/orders", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", method) }],
                    Stages = [new Stage { StageName = "live" }],
                    Authorizers = authorizer is null ? ImmutableDictionary<string, Authorizer>.Empty : ImmutableDictionary<string, Authorizer>.Empty.Add(authorizer.Name, authorizer),
                },
            ],
            Lambda = new LambdaSettings { Endpoint = endpoint },
        };
        var time = new FakeTimeProvider();
        using var forwarder = new HttpForwarder(time, NullLogger<HttpForwarder>.Instance);
        using var lambda = new LambdaClient(time, NullLogger.Instance);
        var services = new GatewayServices(time, NullLoggerFactory.Instance, forwarder, lambda);
        var diagnostics = new DiagnosticBag();
        SnapshotCompiler.Compile(config, services, diagnostics);
        services.Authorizers.Dispose();
        return [.. diagnostics.Items.Where(d => d.Severity == severity).Select(d => d.ToString())];
    }

    private static Authorizer Lambda(string type = "token", string? uri = Uri, string? source = null, string? expression = null) => new()
    {
        Name = "auth",
        Type = type,
        AuthorizerUri = uri,
        IdentitySource = source,
        IdentityValidationExpression = expression,
    };

    [Fact]
    public void Compile_ValidTokenAndRequestAuthorizers_NoErrors()
    {
        Assert.Empty(Compile(Lambda()));
        Assert.Empty(Compile(Lambda("request", source: "method.request.header.A, method.request.querystring.b, stageVariables.c, context.identity.sourceIp")));
    }

    [Theory]
    [InlineData("token", Uri, "method.request.querystring.token", null, "a TOKEN authorizer's identitySource must be one method.request.header.Name")]
    [InlineData("token", Uri, "method.request.header.A, method.request.header.B", null, "a TOKEN authorizer's identitySource must be one")]
    [InlineData("request", Uri, "method.request.path.id", null, "identity source 'method.request.path.id' is not")]
    [InlineData("token", "https://example.com/auth", null, null, "does not name a Lambda function")]
    [InlineData("token", Uri, null, "([a-z", "identityValidationExpression is not a valid regular expression")]
    public void Compile_BadLambdaAuthorizer_ErrorNamesMethodAndAuthorizer(string type, string uri, string? source, string? expression, string message)
    {
        var error = Assert.Single(Compile(Lambda(type, uri, source, expression)));
        Assert.StartsWith("error: API 'orders', method 'GET /orders', authorizer 'auth': ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NoLambdaEndpoint_WarningNotError()
    {
        // Issue 19: an export served on its own must start; the authorizer answers 500 per request instead.
        Assert.Empty(Compile(Lambda(), endpoint: null));
        var warning = Assert.Single(Compile(Lambda(), endpoint: null, severity: DiagnosticSeverity.Warning));
        Assert.StartsWith("warning: API 'orders', method 'GET /orders', authorizer 'auth': no Lambda endpoint for function 'arn:aws:lambda:eu-west-1:123456789012:function:auth'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UndefinedOrMismatchedAuthorizer_Error()
    {
        Assert.Contains("'missing' is not defined", Assert.Single(Compile(null)), StringComparison.Ordinal);
        Assert.Contains("does not go with an authorizer of type token", Assert.Single(Compile(Lambda(), "COGNITO_USER_POOLS")), StringComparison.Ordinal);
        Assert.Contains("providerARNs must name at least one user pool",
            Assert.Single(Compile(new Authorizer { Name = "auth", Type = "cognito_user_pools", ProviderArns = ["arn:aws:iam::1:user/x"] }, "COGNITO_USER_POOLS")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void IdentitySources_TryGetKey_JoinsValuesAndRefusesMissingOrEmpty()
    {
        var sources = IdentitySources.Compile("method.request.header.A, method.request.querystring.b", token: false, "here", new DiagnosticBag())!;
        var http = new DefaultHttpContext();
        var context = new RequestContext(http, "id", DateTimeOffset.UnixEpoch, 0);
        http.Request.Headers["A"] = "x";

        Assert.False(sources.TryGetKey(context, out _));
        http.Request.QueryString = new QueryString("?b=");
        Assert.False(sources.TryGetKey(context, out _));
        http.Request.QueryString = new QueryString("?b=y");
        Assert.True(sources.TryGetKey(context, out var key));
        Assert.Equal("x\u001fy", key);
    }

    private static Authorizer HttpLambda(string? version = "2.0", bool simple = true, string? source = "$request.header.Authorization", string type = "request") =>
        Lambda(type, source: source) with { PayloadFormatVersion = version, EnableSimpleResponses = simple };

    [Fact]
    public void Compile_HttpApiLambdaAuthorizers_NoErrors()
    {
        Assert.Empty(Compile(HttpLambda(), protocol: ApiProtocol.Http));
        Assert.Empty(Compile(HttpLambda("1.0", simple: false, source: null), protocol: ApiProtocol.Http));
        Assert.Empty(Compile(HttpLambda(source: "$request.header.A, $request.querystring.b, $stageVariables.c, $context.routeKey"), protocol: ApiProtocol.Http));
    }

    [Theory]
    [InlineData(null, true, "$request.header.A", "request", "needs authorizerPayloadFormatVersion 1.0 or 2.0, not ''")]
    [InlineData("3.0", true, "$request.header.A", "request", "needs authorizerPayloadFormatVersion 1.0 or 2.0, not '3.0'")]
    [InlineData("1.0", true, "$request.header.A", "request", "enableSimpleResponses needs authorizerPayloadFormatVersion 2.0")]
    [InlineData("2.0", true, "$request.header.A", "token", "HTTP APIs have REQUEST Lambda authorizers (type request) only")]
    [InlineData("2.0", true, "method.request.header.A", "request", "identity source 'method.request.header.A' is not $request.header.X")]
    [InlineData("2.0", true, "$request.path.id", "request", "identity source '$request.path.id' is not")]
    [InlineData("2.0", true, "$request.header.A$request.header.B", "request", "identity source '$request.header.A$request.header.B' is not")]
    public void Compile_BadHttpApiLambdaAuthorizer_Error(string? version, bool simple, string source, string type, string message)
    {
        var error = Assert.Single(Compile(HttpLambda(version, simple, source, type), protocol: ApiProtocol.Http));
        Assert.StartsWith("error: API 'orders', method 'GET /orders', authorizer 'auth': ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentitySources_HttpApi_ReadRepeatedHeadersJoinedAndSplitBackIntoValues()
    {
        var sources = IdentitySources.CompileHttpApi("$request.header.a, $request.querystring.b", "here", new DiagnosticBag())!;
        var http = new DefaultHttpContext();
        var context = new RequestContext(http, "id", DateTimeOffset.UnixEpoch, 0);
        http.Request.Headers["A"] = new Microsoft.Extensions.Primitives.StringValues(["x", "y"]);

        Assert.False(sources.TryGetKey(context, out _));
        http.Request.QueryString = new QueryString("?b=1&b=2");
        Assert.True(sources.TryGetKey(context, out var key));
        Assert.Equal(["x,y", "1,2"], sources.Values(key));
        Assert.Empty(IdentitySources.CompileHttpApi(null, "here", new DiagnosticBag())!.Values(""));
    }
}
