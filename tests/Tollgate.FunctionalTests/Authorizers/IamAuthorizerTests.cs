using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using static Tollgate.FunctionalTests.Authorizers.BotocoreSigner;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>AWS_IAM through the real gateway, with requests signed by botocore's SigV4Auth and SigV4QueryAuth.</summary>
public sealed class IamAuthorizerTests
{
    private const string Key = BotocoreSigner.Key;
    private const string Secret = BotocoreSigner.Secret;
    private const string TempKey = "ASIAEXAMPLETEMPKEY01";
    private const string TempSecret = "tMp5ecretKey/WithSlash+Plus0123456789abcd";
    private const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
    private const string DenyKey = "AKIAEXAMPLEDENIED01";
    private const string DenySecret = "d3n13dS3cr3tK3yExampleExampleExample0000";
    private const string UserArn = "arn:aws:iam::123456789012:user/reporting";

    private static IamSettings Principals() => new()
    {
        Principals =
        [
            new IamPrincipal
            {
                Arn = UserArn,
                AccessKeys =
                [
                    new IamAccessKey { AccessKeyId = Key, SecretAccessKey = Secret },
                    new IamAccessKey { AccessKeyId = TempKey, SecretAccessKey = TempSecret, SessionToken = SessionToken },
                ],
                Policies = [Json("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:orders/live/*/orders/*"}]}""")],
            },
            new IamPrincipal
            {
                Arn = "arn:aws:sts::123456789012:assumed-role/Auditor/session-7",
                AccessKeys = [new IamAccessKey { AccessKeyId = DenyKey, SecretAccessKey = DenySecret }],
                Policies =
                [
                    Json("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:orders/*/POST/*"}]}"""),
                ],
            },
        ],
    };

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static async Task<(RunningGateway Gateway, TestBackend Backend, FakeTimeProvider Clock)> StartAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var backend = await TestBackend.StartAsync();
        var gateway = await RunningGateway.StartAsync(Config(backend.Url, null, "AWS_IAM", iam: Principals()), clock);
        return (gateway, backend, clock);
    }

    [Fact]
    public async Task Signed_HeaderPresignedSessionAndBodyForms_ReachBackendWithIdentity()
    {
        var (gateway, backend, _) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            var signed = SignAll(gateway,
                new Sign("GET", "/live/orders/42?b=2&a=1"),
                new Sign("POST", "/live/orders/42", Body: """{"item":"book","qty":2}""", ContentType: "application/json"),
                new Sign("GET", "/live/orders/42", Presign: true),
                new Sign("GET", "/live/orders/42", Key: TempKey, Secret: TempSecret, Token: SessionToken),
                new Sign("POST", "/live/orders/9", Body: "streamed body", Unsigned: true));

            var echo = await EchoAsync(await gateway.Client.SendAsync(signed[0]()));
            Assert.Equal(UserArn, Header(echo, "X-User-Arn"));
            Assert.Equal("reporting", Header(echo, "X-Caller"));
            Assert.Equal(Key, Header(echo, "X-Access-Key"));
            Assert.Equal("123456789012", Header(echo, "X-Caller-Account"));

            echo = await EchoAsync(await gateway.Client.SendAsync(signed[1]()));
            Assert.Equal("""{"item":"book","qty":2}""", echo.GetProperty("body").GetString());

            await EchoAsync(await gateway.Client.SendAsync(signed[2]()));
            echo = await EchoAsync(await gateway.Client.SendAsync(signed[3]()));
            Assert.Equal(TempKey, Header(echo, "X-Access-Key"));
            echo = await EchoAsync(await gateway.Client.SendAsync(signed[4]()));
            Assert.Equal("streamed body", echo.GetProperty("body").GetString());
        }
    }

    [Fact]
    public async Task Unsigned_403MissingAuthenticationToken()
    {
        var (gateway, backend, _) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            await AssertErrorAsync(await gateway.Client.GetAsync("/live/orders/42"), 403,
                "{\"message\":\"Missing Authentication Token\"}", "MissingAuthenticationTokenException");
        }
    }

    [Fact]
    public async Task BadSignatures_403WithAwsCodesAndMessages()
    {
        var (gateway, backend, _) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            var signed = SignAll(gateway,
                new Sign("GET", "/live/orders/42", Secret: "wrong" + Secret[5..]),
                new Sign("GET", "/live/orders/42", Key: "AKIAUNKNOWNKEY000001"),
                new Sign("POST", "/live/orders/42", Body: "original"),
                new Sign("GET", "/live/orders/42", Region: "us-east-1"),
                new Sign("GET", "/live/orders/42", Key: TempKey, Secret: TempSecret));

            var wrongSecret = await gateway.Client.SendAsync(signed[0]());
            Assert.Equal(403, (int)wrongSecret.StatusCode);
            Assert.Equal("InvalidSignatureException", wrongSecret.Headers.GetValues("x-amzn-ErrorType").Single());
            var message = JsonDocument.Parse(await wrongSecret.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!;
            Assert.StartsWith("The request signature we calculated does not match the signature you provided.", message, StringComparison.Ordinal);
            Assert.Contains("The Canonical String for this request should have been\n'GET\n/live/orders/42\n", message, StringComparison.Ordinal);

            await AssertErrorAsync(await gateway.Client.SendAsync(signed[1]()), 403,
                "{\"message\":\"The security token included in the request is invalid.\"}", "UnrecognizedClientException");

            var tampered = signed[2]();
            tampered.Content = new StringContent("changed!");
            var changedBody = await gateway.Client.SendAsync(tampered);
            Assert.Equal(403, (int)changedBody.StatusCode);
            Assert.Equal("InvalidSignatureException", changedBody.Headers.GetValues("x-amzn-ErrorType").Single());

            await AssertErrorAsync(await gateway.Client.SendAsync(signed[3]()), 403,
                "{\"message\":\"Credential should be scoped to a valid region, not 'us-east-1'. \"}", "InvalidSignatureException");

            // Temporary credentials without their session token.
            await AssertErrorAsync(await gateway.Client.SendAsync(signed[4]()), 403,
                "{\"message\":\"The security token included in the request is invalid.\"}", "UnrecognizedClientException");
        }
    }

    [Fact]
    public async Task OldSignature_403ExpiredToken()
    {
        var (gateway, backend, clock) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            var signed = SignAll(gateway, new Sign("GET", "/live/orders/42"));
            clock.Advance(TimeSpan.FromMinutes(6));
            var response = await gateway.Client.SendAsync(signed[0]());
            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal("InvalidSignatureException", response.Headers.GetValues("x-amzn-ErrorType").Single());
            var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!;
            Assert.StartsWith("Signature expired: ", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PolicyDenies_403AccessDeniedNamingCallerAndMethodArn()
    {
        var (gateway, backend, _) = await StartAsync();
        await using (gateway)
        await using (backend)
        {
            var signed = SignAll(gateway,
                new Sign("GET", "/live/health"),
                new Sign("POST", "/live/orders/1", Body: "x", Key: DenyKey, Secret: DenySecret),
                new Sign("GET", "/live/orders/1", Key: DenyKey, Secret: DenySecret));

            await AssertErrorAsync(await gateway.Client.SendAsync(signed[0]()), 403,
                "{\"message\":\"User: arn:aws:iam::123456789012:user/reporting is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/health because no identity-based policy allows the execute-api:Invoke action\"}",
                "AccessDeniedException");
            await AssertErrorAsync(await gateway.Client.SendAsync(signed[1]()), 403,
                "{\"message\":\"User: arn:aws:sts::123456789012:assumed-role/Auditor/session-7 is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:123456789012:orders/live/POST/orders/1 with an explicit deny in an identity-based policy\"}",
                "AccessDeniedException");
            var echo = await EchoAsync(await gateway.Client.SendAsync(signed[2]()));
            Assert.Equal("Auditor/session-7", Header(echo, "X-Caller"));
        }
    }
}
