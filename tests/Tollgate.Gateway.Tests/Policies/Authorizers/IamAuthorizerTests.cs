using System.Text.Json;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Authorizers.SigV4TestSupport;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class IamAuthorizerTests
{
    private const string VanillaAuth =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    private static IamAuthorizer Authorizer(params string[] policies)
    {
        var store = Store(Principal("arn:aws:iam::123456789012:user/reporting", VectorKey, VectorSecret, null, policies));
        var verifier = new SigV4Verifier(store, new FakeTimeProvider(VectorTime), new SigV4VerifierOptions { Service = "service", Region = "us-east-1" });
        return new IamAuthorizer(verifier, "us-east-1", "111122223333");
    }

    private static SigV4Request Vanilla() => ParseRawRequest(File.ReadAllText(FixturePath("sigv4", "get-vanilla", "header-signed-request.txt")));

    [Fact]
    public async Task AuthorizeAsync_AllowedMethod_ReturnsIdentityAndArn()
    {
        var authorizer = Authorizer("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:orders/live/GET/*"}]}""");

        var result = await authorizer.AuthorizeAsync(Vanilla(), new MethodTarget("orders", "live", "GET", "/items/42"));

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal("arn:aws:execute-api:us-east-1:111122223333:orders/live/GET/items/42", result.MethodArn);
        Assert.Equal("123456789012", result.Identity!.AccountId);
        Assert.Equal("reporting", result.Identity.UserName);
        Assert.Equal("arn:aws:iam::123456789012:user/reporting", result.Identity.PrincipalArn);
    }

    [Fact]
    public async Task AuthorizeAsync_NoAllowingStatement_AccessDeniedWithAwsMessage()
    {
        var authorizer = Authorizer("""{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:orders/live/POST/*"}]}""");

        var result = await authorizer.AuthorizeAsync(Vanilla(), new MethodTarget("orders", "live", "GET", "/items/42"));

        Assert.Equal(GatewayResponseType.ACCESS_DENIED, result.Failure!.ResponseType);
        Assert.Equal(403, result.Failure.StatusCode);
        Assert.Equal(
            "User: arn:aws:iam::123456789012:user/reporting is not authorized to perform: execute-api:Invoke on resource: " +
            "arn:aws:execute-api:us-east-1:111122223333:orders/live/GET/items/42 because no identity-based policy allows the execute-api:Invoke action",
            result.Failure.Message);
    }

    [Fact]
    public async Task AuthorizeAsync_ExplicitDeny_AccessDeniedSaysSo()
    {
        var authorizer = Authorizer(
            """{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""",
            """{"Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:orders/*/GET/items/*"}]}""");

        var result = await authorizer.AuthorizeAsync(Vanilla(), new MethodTarget("orders", "live", "GET", "/items/42"));

        Assert.Equal("iam.explicit_deny", result.Failure!.Reason);
        Assert.EndsWith(" with an explicit deny in an identity-based policy", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizeAsync_BadSignature_FailsBeforePolicies()
    {
        var authorizer = Authorizer("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        var request = Vanilla();
        request.Headers["Authorization"] = VanillaAuth.Replace("5fa00fa3", "00000000", StringComparison.Ordinal);

        var result = await authorizer.AuthorizeAsync(request, new MethodTarget("orders", "live", "GET", "/"));

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Null(result.Identity);
    }

    [Fact]
    public void Build_InvalidSettings_ReportsEveryProblem()
    {
        var policy = JsonDocument.Parse("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}]}""").RootElement;
        var settings = new IamSettings
        {
            Principals =
            [
                new IamPrincipal { Arn = "arn:aws:iam::123456789012:user/a", AccessKeys = [new IamAccessKey { AccessKeyId = "AK1", SecretAccessKey = "s" }], Policies = [policy] },
                new IamPrincipal { Arn = "arn:aws:iam::123456789012:user/b", AccessKeys = [new IamAccessKey { AccessKeyId = "AK1", SecretAccessKey = "t" }] },
                new IamPrincipal { Arn = "not-an-arn", AccessKeys = [] },
            ],
        };
        var bag = new DiagnosticBag();

        IamCredentialStore.Build(settings, bag);

        Assert.Collection(
            bag.Items,
            e => Assert.Contains("Condition is not supported", e.Message, StringComparison.Ordinal),
            e => Assert.Equal("access key 'AK1' is already used by another principal.", e.Message),
            e => Assert.StartsWith("iam.principals[2]", e.Location, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/reporting", "reporting")]
    [InlineData("arn:aws:iam::123456789012:user/division/team/ana", "ana")]
    [InlineData("arn:aws:iam::123456789012:role/Reader", "Reader")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/Reader/ci-job", "Reader/ci-job")]
    public void TryParseArn_PrincipalArns_GivesAccountAndName(string arn, string name)
    {
        Assert.True(IamCredentialStore.TryParseArn(arn, out var account, out var parsed));
        Assert.Equal("123456789012", account);
        Assert.Equal(name, parsed);
    }

    [Fact]
    public void AccessKeyToString_DoesNotShowSecret()
    {
        var key = new IamAccessKey { AccessKeyId = "AK1", SecretAccessKey = "very-secret", SessionToken = "tok" };

        Assert.DoesNotContain("very-secret", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok", key.ToString(), StringComparison.Ordinal);
    }
}
