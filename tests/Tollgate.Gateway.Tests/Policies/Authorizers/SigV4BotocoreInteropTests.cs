using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Authorizers.SigV4TestSupport;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>Requests signed by botocore (SigV4Auth, SigV4QueryAuth) must verify; changed ones must not.</summary>
public sealed class SigV4BotocoreInteropTests
{
    private const string Key = "AKIAEXAMPLEREPORTS1";
    private const string Secret = "k5N0pR8sT2vW4yZ6bC8dF0hJ2lN4pR6tV8xZ0bD2";
    private const string TempKey = "ASIAEXAMPLETEMPKEY01";
    private const string TempSecret = "tMp5ecretKey/WithSlash+Plus0123456789abcd";
    private const string Token = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
    private const string Host = "abc123.execute-api.us-east-1.amazonaws.com";

    private sealed record Case(string Method, string Url, string Body = "", bool WithToken = false, bool Presign = false, int Expires = 900, bool Unsigned = false)
    {
        public Dictionary<string, string> Headers { get; init; } = [];
    }

    private sealed record Signed(SigV4Request Request, DateTimeOffset SignedAt, string Body);

    private static readonly Case[] Cases =
    [
        new("GET", $"https://{Host}/live/orders/a%20b/caf%C3%A9?z=1&b=%2F&a=x%20y&a=w"),
        new("GET", $"https://{Host}/live/orders", WithToken: true),
        new("POST", $"https://{Host}/live/orders?dry=true", Body: """{"item":"book","qty":2}""") { Headers = new() { ["Content-Type"] = "application/json" } },
        new("GET", $"https://{Host}/live/reports/2026?format=csv", Presign: true, Expires: 600),
        new("GET", $"https://{Host}/live/reports", WithToken: true, Presign: true, Expires: 3600),
        new("PUT", $"https://{Host}/live/orders/7", Body: "payload", Unsigned: true) { Headers = new() { ["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD" } },
        new("POST", $"https://{Host}/live/upload", Body: "exact body", WithToken: true) { Headers = new() { ["X-Amz-Content-SHA256"] = Sha("exact body") } },
    ];

    private static readonly Lazy<Signed[]> SignedCases = new(SignAll);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task VerifyAsync_BotocoreSignedRequest_Succeeds(int index)
    {
        var signed = SignedCases.Value[index];
        var result = await Verifier(signed.SignedAt).VerifyAsync(signed.Request);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(Cases[index].WithToken ? TempKey : Key, result.Identity!.AccessKeyId);
    }

    [Fact]
    public async Task VerifyAsync_ChangedQueryValue_FailsWithCanonicalStringEcho()
    {
        var signed = SignedCases.Value[0];
        var request = With(signed.Request, rawQuery: signed.Request.RawQuery.Replace("z=1", "z=2", StringComparison.Ordinal));

        var result = await Verifier(signed.SignedAt).VerifyAsync(request);

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Contains("\n\nThe Canonical String for this request should have been\n'GET\n/live/orders/a%2520b/caf%25C3%25A9\n", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("a=w&a=x%20y&b=%2F&z=2\n", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_ChangedBody_FailsWithInvalidSignature()
    {
        var signed = SignedCases.Value[2];
        var request = With(signed.Request, body: """{"item":"book","qty":20}""");

        var result = await Verifier(signed.SignedAt).VerifyAsync(request);

        Assert.Equal("sigv4.signature_mismatch", result.Failure!.Reason);
    }

    [Fact]
    public async Task VerifyAsync_BodyNotMatchingDeclaredSha256_Fails()
    {
        var signed = SignedCases.Value[6];
        var request = With(signed.Request, body: "other body");

        var result = await Verifier(signed.SignedAt).VerifyAsync(request);

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Equal("sigv4.body_hash_mismatch", result.Failure.Reason);
    }

    [Fact]
    public async Task VerifyAsync_ChangedPresignedPath_FailsWithInvalidSignature()
    {
        var signed = SignedCases.Value[3];
        var request = With(signed.Request, rawPath: "/live/reports/2027");

        var result = await Verifier(signed.SignedAt).VerifyAsync(request);

        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
    }

    [Fact]
    public async Task VerifyAsync_PresignedUrlAfterExpires_FailsWithExpiredToken()
    {
        var signed = SignedCases.Value[3];
        var timestamp = SigV4Errors.Iso(signed.SignedAt);

        var result = await Verifier(signed.SignedAt + TimeSpan.FromSeconds(601)).VerifyAsync(signed.Request);

        Assert.Equal(GatewayResponseType.EXPIRED_TOKEN, result.Failure!.ResponseType);
        Assert.StartsWith($"Signature expired: {timestamp} is now earlier than ", result.Failure.Message, StringComparison.Ordinal);
        Assert.EndsWith(" - 10 min.)", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_PresignedUrlJustBeforeExpires_Succeeds()
    {
        var signed = SignedCases.Value[3];

        var result = await Verifier(signed.SignedAt + TimeSpan.FromSeconds(600)).VerifyAsync(signed.Request);

        Assert.True(result.Succeeded, result.Failure?.Message);
    }

    [Fact]
    public async Task VerifyAsync_SessionTokenRemoved_FailsWithInvalidSecurityToken()
    {
        var signed = SignedCases.Value[1];
        var headers = new HeaderDictionary();
        foreach (var h in signed.Request.Headers)
        {
            if (!h.Key.Equals("X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase))
            {
                headers[h.Key] = h.Value;
            }
        }
        var request = new SigV4Request { Method = "GET", RawPath = signed.Request.RawPath, Headers = headers };

        var result = await Verifier(signed.SignedAt).VerifyAsync(request);

        Assert.Equal("The security token included in the request is invalid.", result.Failure!.Message);
        Assert.Equal("UnrecognizedClientException", result.Failure.ErrorType);
    }

    [Fact]
    public async Task VerifyAsync_WrongSecret_FailsWithInvalidSignature()
    {
        var signed = SignedCases.Value[0];
        var verifier = new SigV4Verifier(
            Store(Principal("arn:aws:iam::123456789012:user/reporting", Key, Secret + "x")),
            new FakeTimeProvider(signed.SignedAt), new SigV4VerifierOptions { Region = "us-east-1" });

        var result = await verifier.VerifyAsync(signed.Request);

        Assert.Equal("sigv4.signature_mismatch", result.Failure!.Reason);
    }

    private static SigV4Verifier Verifier(DateTimeOffset now) => new(
        Store(
            Principal("arn:aws:iam::123456789012:user/reporting", Key, Secret),
            Principal("arn:aws:sts::123456789012:assumed-role/Reader/ci", TempKey, TempSecret, Token)),
        new FakeTimeProvider(now),
        new SigV4VerifierOptions { Region = "us-east-1" });

    private static SigV4Request With(SigV4Request r, string? rawPath = null, string? rawQuery = null, string? body = null) => new()
    {
        Method = r.Method,
        RawPath = rawPath ?? r.RawPath,
        RawQuery = rawQuery ?? r.RawQuery,
        Headers = r.Headers,
        Body = body is null ? r.Body : new BufferedBody(Encoding.UTF8.GetBytes(body)),
    };

    private static string Sha(string s) => BufferedBody.Sha256Hex(Encoding.UTF8.GetBytes(s));

    private static Signed[] SignAll()
    {
        var input = new JsonArray();
        foreach (var c in Cases)
        {
            var headers = new JsonObject();
            foreach (var (k, v) in c.Headers)
            {
                headers[k] = v;
            }
            input.Add(new JsonObject
            {
                ["method"] = c.Method,
                ["url"] = c.Url,
                ["body"] = c.Body,
                ["headers"] = headers,
                ["key"] = c.WithToken ? TempKey : Key,
                ["secret"] = c.WithToken ? TempSecret : Secret,
                ["token"] = c.WithToken ? Token : null,
                ["presign"] = c.Presign,
                ["expires"] = c.Expires,
                ["unsigned"] = c.Unsigned,
            });
        }
        using var output = JsonDocument.Parse(Python.Run(BotocoreScript.Signer, input.ToJsonString()));
        var result = new List<Signed>();
        var i = 0;
        foreach (var item in output.RootElement.EnumerateArray())
        {
            var c = Cases[i++];
            var url = item.GetProperty("url").GetString()!;
            var afterHost = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var target = afterHost[afterHost.IndexOf('/')..];
            var q = target.IndexOf('?');
            var headers = new HeaderDictionary { ["Host"] = Host };
            foreach (var h in item.GetProperty("headers").EnumerateArray())
            {
                headers.Append(h[0].GetString()!, h[1].GetString()!);
            }
            var rawQuery = q < 0 ? "" : target[(q + 1)..];
            var date = headers.TryGetValue("X-Amz-Date", out var d) ? d.ToString()
                : Uri.UnescapeDataString(rawQuery.Split('&').First(p => p.StartsWith("X-Amz-Date=", StringComparison.Ordinal))["X-Amz-Date=".Length..]);
            Assert.True(SigV4AuthParser.TryParseIso(date, out var signedAt));
            result.Add(new Signed(
                new SigV4Request
                {
                    Method = c.Method,
                    RawPath = q < 0 ? target : target[..q],
                    RawQuery = rawQuery,
                    Headers = headers,
                    Body = c.Body.Length == 0 ? null : new BufferedBody(Encoding.UTF8.GetBytes(c.Body)),
                },
                signedAt,
                c.Body));
        }
        return [.. result];
    }
}
