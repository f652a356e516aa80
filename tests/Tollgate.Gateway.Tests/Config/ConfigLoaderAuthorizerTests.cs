using Tollgate.Gateway.Config;

namespace Tollgate.Gateway.Tests.Config;

public sealed class ConfigLoaderAuthorizerTests : IDisposable
{
    private const string Definition = """
        {"swagger": "2.0", "info": {"title": "Orders", "version": "1"}, "paths": {}}
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-auth-loader-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderAuthorizerTests()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "orders.json"), Definition);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private LoadResult Load(string yaml)
    {
        var path = Path.Combine(_directory, "gateway.yaml");
        File.WriteAllText(path, yaml + "\napis:\n  - name: orders\n    definition: orders.json\n");
        return ConfigLoader.Load(path, LoadOptions.Default);
    }

    private static string[] Errors(LoadResult result) => [.. result.Diagnostics.Select(d => d.ToString())];

    [Fact]
    public void Load_AuthorizationSections_ReadIntoModel()
    {
        var result = Load("""
            region: eu-west-1
            accountId: "123456789012"
            jwks:
              "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123": "http://127.0.0.1:9100/jwks.json"
            lambda:
              endpoint: http://127.0.0.1:9001
              credentials: { accessKeyId: AKIAINVOKER, secretAccessKey: s3cret }
            iam:
              principals:
                - arn: arn:aws:iam::123456789012:user/reporting
                  accessKeys: [ { accessKeyId: AKIAEXAMPLEREPORTS1, secretAccessKey: "abc" }, { accessKeyId: ASIATEMP, secretAccessKey: "def", sessionToken: "tok" } ]
                  policies:
                    - Version: "2012-10-17"
                      Statement: [ { Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:orders/live/GET/*" } ]
            """);

        Assert.False(result.HasErrors, string.Join("\n", Errors(result)));
        var config = result.Config!;
        Assert.Equal("eu-west-1", config.Region);
        Assert.Equal("123456789012", config.AccountId);
        Assert.Equal("http://127.0.0.1:9100/jwks.json", config.Jwt.JwksUris["https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"]);
        Assert.Equal("AKIAINVOKER", config.Lambda.Credentials!.AccessKeyId);
        var principal = Assert.Single(config.Iam.Principals);
        Assert.Equal("arn:aws:iam::123456789012:user/reporting", principal.Arn);
        Assert.Equal(["AKIAEXAMPLEREPORTS1", "ASIATEMP"], principal.AccessKeys.Select(k => k.AccessKeyId));
        Assert.Equal("tok", principal.AccessKeys[1].SessionToken);
        Assert.Equal("Allow", Assert.Single(principal.Policies).GetProperty("Statement")[0].GetProperty("Effect").GetString());
    }

    [Fact]
    public void Load_NoAuthorizationSections_Defaults()
    {
        var config = Load("").Config!;
        Assert.Null(config.Region);
        Assert.Equal("000000000000", config.AccountId);
        Assert.Empty(config.Iam.Principals);
        Assert.Empty(config.Jwt.JwksUris);
    }

    [Fact]
    public void Load_BadAuthorizationSections_NamesEveryProblemAndItsObject()
    {
        var result = Load("""
            region: Europe
            accountId: "1234"
            jwks:
              "not-a-url": "ftp://example.com/jwks"
            iam:
              principals:
                - arn: arn:aws:iam::123456789012:user/a
                  accessKeys: [ { accessKeyId: AKIA1, secretAccessKey: x, expires: never } ]
                  policies:
                    - Statement: [ { Effect: Permit, Action: "execute-api:Invoke", Resource: "*" } ]
                    - "not a policy"
                - arn: not-an-arn
                  accessKeys: [ { accessKeyId: AKIA1, secretAccessKey: y } ]
              roles: []
            """);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "error: config 'gateway.yaml': 'region' 'Europe' is not an AWS region name such as eu-west-1.",
                "error: config 'gateway.yaml': 'accountId' '1234' must be 12 digits (quote it in YAML).",
                "error: config 'gateway.yaml': 'jwks' key 'not-a-url' must be an issuer URL (https://...).",
                "error: config 'gateway.yaml': 'jwks.not-a-url' 'ftp://example.com/jwks' must be an absolute http or https URL.",
                "error: config 'gateway.yaml', iam.principals[0].accessKeys[0]: unknown key 'expires'; expected one of accessKeyId, secretAccessKey, sessionToken.",
                "error: config 'gateway.yaml', iam.principals[0]: 'iam.principals[0].policies[1]' must be a policy document (an object with Version and Statement), not a string.",
                "error: config 'gateway.yaml', iam: unknown key 'roles'; expected one of principals.",
                "error: iam.principals[0] 'arn:aws:iam::123456789012:user/a', policy 0, statement 0: Effect must be \"Allow\" or \"Deny\".",
                "error: iam.principals[1] 'not-an-arn': arn must look like arn:aws:iam::123456789012:user/name or arn:aws:sts::123456789012:assumed-role/role/session.",
            ],
            Errors(result).Select(e => e.Replace(_directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)));
    }
}
