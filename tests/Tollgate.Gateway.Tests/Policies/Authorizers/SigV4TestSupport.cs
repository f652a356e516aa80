using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

internal static class SigV4TestSupport
{
    public const string VectorKey = "AKIDEXAMPLE";
    public const string VectorSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string VectorToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    public static readonly DateTimeOffset VectorTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    /// <summary>Reads a raw HTTP/1.1 request as the test suite writes it.</summary>
    public static SigV4Request ParseRawRequest(string text)
    {
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? text : text[..headerEnd];
        var body = headerEnd < 0 ? "" : text[(headerEnd + 2)..];
        var lines = head.Split('\n');
        var requestLine = lines[0];
        var firstSpace = requestLine.IndexOf(' ');
        var lastSpace = requestLine.LastIndexOf(' ');
        var method = requestLine[..firstSpace];
        var target = requestLine[(firstSpace + 1)..lastSpace];
        var q = target.IndexOf('?');
        var headers = new HeaderDictionary();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = line[..colon];
            var value = line[(colon + 1)..];
            headers.Append(name, value);
        }
        return new SigV4Request
        {
            Method = method,
            RawPath = q < 0 ? target : target[..q],
            RawQuery = q < 0 ? "" : target[(q + 1)..],
            Headers = headers,
            Body = body.Length == 0 ? null : new BufferedBody(Encoding.UTF8.GetBytes(body)),
        };
    }

    public static IamCredentialStore Store(params IamPrincipal[] principals)
    {
        var bag = new DiagnosticBag();
        var store = IamCredentialStore.Build(new IamSettings { Principals = [.. principals] }, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Items));
        return store;
    }

    public static IamPrincipal Principal(string arn, string key, string secret, string? token = null, params string[] policies) => new()
    {
        Arn = arn,
        AccessKeys = [new IamAccessKey { AccessKeyId = key, SecretAccessKey = secret, SessionToken = token }],
        Policies = [.. policies.Select(p => JsonDocument.Parse(p).RootElement.Clone())],
    };

    public static SigV4Verifier VectorVerifier(TimeProvider time, string? token = null) => new(
        Store(Principal("arn:aws:iam::123456789012:user/example", VectorKey, VectorSecret, token)),
        time,
        new SigV4VerifierOptions { Service = "service", Region = "us-east-1" });
}
