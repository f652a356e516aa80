using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.SigV4;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary><c>lambda.credentials</c>: invocations are signed with SigV4 (service lambda), and our own verifier accepts them.</summary>
public sealed class LambdaSigningTests
{
    private const string Key = "AKIAGATEWAYINVOKER01";
    private const string Secret = "g4t3w4yS3cr3t/Example+Key0123456789abcdef";

    /// <summary>A Lambda Invoke API stand-in that verifies each call's signature before answering.</summary>
    private static async Task<(TestBackend Server, List<SigV4Result> Results)> StartVerifyingLambdaAsync(string? sessionToken, Func<string> reply)
    {
        var results = new List<SigV4Result>();
        var store = IamCredentialStore.Build(new IamSettings
        {
            Principals =
            [
                new IamPrincipal
                {
                    Arn = "arn:aws:iam::123456789012:user/gateway",
                    AccessKeys = [new IamAccessKey { AccessKeyId = Key, SecretAccessKey = Secret, SessionToken = sessionToken }],
                },
            ],
        }, new DiagnosticBag());
        var verifier = new SigV4Verifier(store, TimeProvider.System, new SigV4VerifierOptions { Service = "lambda", Region = Region });
        var server = await TestBackend.StartAsync(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var raw = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var q = raw.IndexOf('?', StringComparison.Ordinal);
            var result = await verifier.VerifyAsync(new SigV4Request
            {
                Method = http.Request.Method,
                RawPath = q < 0 ? raw : raw[..q],
                RawQuery = q < 0 ? "" : raw[(q + 1)..],
                Headers = http.Request.Headers,
                Body = new BufferedBody(buffer.ToArray()),
            });
            lock (results)
            {
                results.Add(result);
            }
            http.Response.StatusCode = result.Succeeded ? 200 : 403;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(result.Succeeded ? reply() : "{\"message\":\"bad signature\"}");
        });
        return (server, results);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("FwoGZXIvYXdzEXAMPLESESSIONTOKEN==")]
    public async Task InvokeAsync_WithCredentials_SignatureVerifies(string? sessionToken)
    {
        var (server, results) = await StartVerifyingLambdaAsync(sessionToken, () => "{\"ok\":true}");
        await using (server)
        {
            using var client = new LambdaClient(TimeProvider.System, NullLogger.Instance)
            {
                Signer = new LambdaSigner(TimeProvider.System, () => null).SignAsync,
            };
            var credentials = new LambdaCredentials { AccessKeyId = Key, SecretAccessKey = Secret, SessionToken = sessionToken };

            var result = await client.InvokeAsync(new Uri(server.Url), FunctionArn, Encoding.UTF8.GetBytes("{\"a\":\"b c\"}"), TimeSpan.FromSeconds(10), credentials, null, default);

            Assert.Equal(LambdaOutcome.Ok, result.Outcome);
            var verified = Assert.Single(results);
            Assert.True(verified.Succeeded, verified.Failure?.Message);
            Assert.Equal(Key, verified.Identity!.AccessKeyId);
            Assert.Equal(Region, verified.Identity.Region);
        }
    }

    [Fact]
    public async Task Gateway_LambdaCredentials_AuthorizerCallsAreSigned()
    {
        var (server, results) = await StartVerifyingLambdaAsync(null, () =>
            Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:orders/live/*").Payload);
        await using (server)
        await using (var backend = await TestBackend.StartAsync())
        {
            var config = Config(backend.Url, Token(), lambdaUrl: server.Url);
            config = config with { Lambda = config.Lambda with { Credentials = new LambdaCredentials { AccessKeyId = Key, SecretAccessKey = Secret } } };
            await using var gateway = await RunningGateway.StartAsync(config);

            var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders/1");
            request.Headers.TryAddWithoutValidation("Authorization", "token-1");
            await EchoAsync(await gateway.Client.SendAsync(request));
            Assert.True(Assert.Single(results).Succeeded);
        }
    }
}
