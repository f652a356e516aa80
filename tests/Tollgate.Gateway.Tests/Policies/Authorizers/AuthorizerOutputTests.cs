using System.Text;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Policies.Authorizers.Lambda;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class AuthorizerOutputTests
{
    private const string Arn = "arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/1";

    private static AuthorizerDecision? Read(string json, out string? problem) => AuthorizerOutput.Read(Encoding.UTF8.GetBytes(json), out problem);

    [Fact]
    public void Read_FullOutput_PolicyContextAndUsageKey()
    {
        var decision = Read("""
            {"principalId":"user-1",
             "policyDocument":{"Version":"2012-10-17","Statement":[
               {"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:aws:execute-api:*:*:orders/live/GET/*"},
               {"Action":"execute-api:Invoke","Effect":"Deny","Resource":["arn:aws:execute-api:*:*:orders/live/GET/orders/secret"]}]},
             "context":{"tenant":"acme","tier":3,"beta":true,"ratio":0.5,"gone":null},
             "usageIdentifierKey":"key-123"}
            """, out var problem);

        Assert.NotNull(decision);
        Assert.Null(problem);
        Assert.Equal("user-1", decision.Values.PrincipalId);
        Assert.Equal("acme", decision.Values.Context["tenant"]);
        Assert.Equal("3", decision.Values.Context["tier"]);
        Assert.Equal("true", decision.Values.Context["beta"]);
        Assert.Equal("0.5", decision.Values.Context["ratio"]);
        Assert.False(decision.Values.Context.ContainsKey("gone"));
        Assert.Equal("key-123", decision.UsageIdentifierKey);
        Assert.Equal(PolicyDecision.Allow, decision.Decide(Arn));
        Assert.Equal(PolicyDecision.ExplicitDeny, decision.Decide("arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/secret"));
        Assert.Equal(PolicyDecision.ImplicitDeny, decision.Decide("arn:aws:execute-api:eu-west-1:123456789012:orders/live/POST/orders/1"));
    }

    [Fact]
    public void Read_OnlyPolicy_Accepted()
    {
        var decision = Read("""{"policyDocument":{"Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}}""", out _);
        Assert.NotNull(decision);
        Assert.Null(decision.Values.PrincipalId);
        Assert.Empty(decision.Values.Context);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("""{"principalId":"u"}""", "policyDocument")]
    [InlineData("""{"policyDocument":"Allow"}""", "policyDocument")]
    [InlineData("""{"policyDocument":{"Statement":[{"Effect":"Maybe","Action":"execute-api:Invoke","Resource":"*"}]}}""", "Effect")]
    [InlineData("""{"policyDocument":{"Statement":[{"Effect":"Allow","Resource":"*"}]}}""", "Action")]
    [InlineData("""{"principalId":{"id":1},"policyDocument":{"Statement":[]}}""", "principalId")]
    [InlineData("""{"policyDocument":{"Statement":[]},"context":{"a":[1]}}""", "context value 'a'")]
    [InlineData("""{"policyDocument":{"Statement":[]},"context":"x"}""", "context must be an object")]
    [InlineData("""{"policyDocument":{"Statement":[]},"usageIdentifierKey":5}""", "usageIdentifierKey")]
    public void Read_BadOutput_NullWithReason(string json, string reason)
    {
        Assert.Null(Read(json, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_HttpApiSimpleResponse_HoldsForEveryRouteAndKeepsContextAsReturned(bool allowed)
    {
        var expected = allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
        var json = "{\"isAuthorized\":" + (allowed ? "true" : "false") + ""","context":{"tenant":"acme","tier":3,"roles":["a","b"],"map":{"k":"v"},"gone":null}}""";
        var decision = AuthorizerOutput.Read(Encoding.UTF8.GetBytes(json), httpApi: true, simple: true, out var problem);

        Assert.NotNull(decision);
        Assert.Null(problem);
        Assert.Equal(expected, decision.Decide(Arn));
        Assert.Equal(expected, decision.Decide("arn:aws:execute-api:eu-west-1:123456789012:orders/live/DELETE/other"));
        Assert.Equal("3", decision.Values.Context["tier"]);
        Assert.Equal("[\"a\",\"b\"]", decision.Values.Context["roles"]);
        Assert.Equal("{\"k\":\"v\"}", decision.Values.Context["map"]);
        Assert.False(decision.Values.Context.ContainsKey("gone"));
        Assert.Equal("""{"tenant":"acme","tier":3,"roles":["a","b"],"map":{"k":"v"},"gone":null}""", decision.Values.LambdaContext.GetRawText());
    }

    [Theory]
    [InlineData("""{"context":{}}""", "isAuthorized")]
    [InlineData("""{"isAuthorized":"true"}""", "isAuthorized")]
    [InlineData("""{"isAuthorized":true,"context":[1]}""", "context must be an object")]
    public void Read_BadHttpApiSimpleResponse_NullWithReason(string json, string reason)
    {
        Assert.Null(AuthorizerOutput.Read(Encoding.UTF8.GetBytes(json), httpApi: true, simple: true, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HttpApiPolicyWithoutContext_LambdaContextIsJsonNull()
    {
        var decision = AuthorizerOutput.Read(Encoding.UTF8.GetBytes("""{"policyDocument":{"Statement":[]}}"""), httpApi: true, simple: false, out _);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, decision!.Values.LambdaContext.ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, Read("""{"policyDocument":{"Statement":[]}}""", out _)!.Values.LambdaContext.ValueKind);
    }

    [Theory]
    [InlineData("""{"errorMessage":"Unauthorized","errorType":"Error"}""", "Unauthorized")]
    [InlineData("\"Unauthorized\"", "Unauthorized")]
    [InlineData("""{"errorType":"Error"}""", null)]
    [InlineData("oops", null)]
    public void ErrorMessage_ReadsLambdaErrorObject(string payload, string? expected) =>
        Assert.Equal(expected, AuthorizerOutput.ErrorMessage(Encoding.UTF8.GetBytes(payload)));
}
