using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Benchmarks;

/// <summary>Verifying a Signature Version 4 header (AWS's get-vanilla test vector), signing key cached after the first call.</summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private SigV4Verifier _verifier = null!;
    private SigV4Request _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var diagnostics = new DiagnosticBag();
        var store = IamCredentialStore.Build(new IamSettings
        {
            Principals =
            [
                new IamPrincipal
                {
                    Arn = "arn:aws:iam::123456789012:user/example",
                    AccessKeys = [new IamAccessKey { AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }],
                },
            ],
        }, diagnostics);
        _verifier = new SigV4Verifier(store, new FixedTimeProvider(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero)),
            new SigV4VerifierOptions { Service = "service", Region = "us-east-1" });
        var headers = new HeaderDictionary
        {
            ["Host"] = "example.amazonaws.com",
            ["X-Amz-Date"] = "20150830T123600Z",
            ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        };
        _request = new SigV4Request { Method = "GET", RawPath = "/", Headers = headers };
        if (!Verify())
        {
            throw new InvalidOperationException("the test vector does not verify");
        }
    }

    [Benchmark(Description = "get-vanilla, header form")]
    public bool Verify()
    {
        var pending = _verifier.VerifyAsync(_request);
        return (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Succeeded;
    }
}
