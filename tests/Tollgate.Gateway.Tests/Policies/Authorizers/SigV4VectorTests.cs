using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Authorizers.SigV4TestSupport;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

/// <summary>AWS's published SigV4 test suite (tests/fixtures/sigv4): every signed request must verify.</summary>
public sealed class SigV4VectorTests
{
    public static TheoryData<string, string> Vectors()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(FixturePath("sigv4")).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(dir, "*-signed-request.txt").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task VerifyAsync_PublishedVector_Succeeds(string name, string file)
    {
        var request = ParseRawRequest(File.ReadAllText(FixturePath("sigv4", name, file)));
        var token = name.Contains("session-token", StringComparison.Ordinal) ? VectorToken : null;
        var verifier = VectorVerifier(new FakeTimeProvider(VectorTime), token);

        var result = await verifier.VerifyAsync(request);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(VectorKey, result.Identity!.AccessKeyId);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task VerifyAsync_PublishedVectorWithChangedMethod_FailsWithInvalidSignature(string name, string file)
    {
        var text = File.ReadAllText(FixturePath("sigv4", name, file));
        var changed = text.StartsWith("GET", StringComparison.Ordinal) ? "PUT" + text[3..] : "GET" + text[4..];
        var token = name.Contains("session-token", StringComparison.Ordinal) ? VectorToken : null;
        var verifier = VectorVerifier(new FakeTimeProvider(VectorTime), token);

        var result = await verifier.VerifyAsync(ParseRawRequest(changed));

        Assert.False(result.Succeeded);
        Assert.Equal(GatewayResponseType.INVALID_SIGNATURE, result.Failure!.ResponseType);
        Assert.Equal("sigv4.signature_mismatch", result.Failure.Reason);
    }
}
