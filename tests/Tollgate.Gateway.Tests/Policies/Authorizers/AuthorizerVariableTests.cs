using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class AuthorizerVariableTests
{
    private static RequestContext Context() => new(new DefaultHttpContext(), "req-1", DateTimeOffset.UnixEpoch, 0);

    private static string? Get(RequestContext context, string name) => context.TryGetVariable(name, out var value) ? value : null;

    [Fact]
    public void TryGetVariable_LambdaAuthorizer_PrincipalAndContext()
    {
        var context = Context();
        context.Authorizer = new AuthorizerValues(
            "user-1", new Dictionary<string, string> { ["tenant"] = "acme", ["tier"] = "3" }.ToFrozenDictionary(StringComparer.Ordinal), null, []);

        Assert.Equal("user-1", Get(context, "authorizer.principalId"));
        Assert.Equal("acme", Get(context, "authorizer.tenant"));
        Assert.Equal("3", Get(context, "authorizer.tier"));
        Assert.Null(Get(context, "authorizer.missing"));
        Assert.Null(Get(context, "authorizer.claims.sub"));
    }

    [Fact]
    public void TryGetVariable_TokenClaims()
    {
        var context = Context();
        context.Authorizer = new AuthorizerValues(null, AuthorizerValues.NoContext,
            new Dictionary<string, string> { ["sub"] = "abc", ["cognito:username"] = "ana" }, ["orders/read"]);

        Assert.Equal("abc", Get(context, "authorizer.claims.sub"));
        Assert.Equal("ana", Get(context, "authorizer.claims.cognito:username"));
        Assert.Null(Get(context, "authorizer.principalId"));
    }

    [Fact]
    public void TryGetVariable_IamCallerAndAccount()
    {
        var context = Context();
        Assert.Equal("000000000000", Get(context, "accountId"));
        Assert.Null(Get(context, "identity.userArn"));

        context.AccountId = "123456789012";
        context.Caller = new IamCallerValues("arn:aws:iam::111122223333:user/reporting", "reporting", "AKIAEXAMPLE", "111122223333");

        Assert.Equal("123456789012", Get(context, "accountId"));
        Assert.Equal("arn:aws:iam::111122223333:user/reporting", Get(context, "identity.userArn"));
        Assert.Equal("reporting", Get(context, "identity.user"));
        Assert.Equal("reporting", Get(context, "identity.caller"));
        Assert.Equal("AKIAEXAMPLE", Get(context, "identity.accessKey"));
        Assert.Equal("111122223333", Get(context, "identity.accountId"));
    }

    [Fact]
    public void TryGetVariable_NullMessageError_RendersJsonNull()
    {
        var context = Context();
        context.Error = GatewayError.Of(GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR, null, "AuthorizerConfigurationException");

        Assert.Equal("null", Get(context, "error.messageString"));
        Assert.Equal("", Get(context, "error.message"));
        context.Error = GatewayError.Of(GatewayResponseType.INVALID_SIGNATURE, "not 'us-east-1'. <x>\n");
        Assert.Equal("\"not 'us-east-1'. <x>\\n\"", Get(context, "error.messageString"));
    }
}
