using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Authorizers.Iam;

namespace Tollgate.Gateway.Config;

internal static partial class ConfigLoader
{
    /// <summary>
    /// Top-level keys of authorization: <c>region</c>, <c>accountId</c>, <c>jwks</c> (issuer to
    /// JWKS URL) and <c>iam: { principals: [ { arn, accessKeys, policies } ] }</c>. (<c>lambda</c>
    /// and <c>functions</c> are read with the integrations.)
    /// </summary>
    private static GatewayConfig ReadAuthorizerSections(ConfigObject file, GatewayConfig config, SectionContext context)
    {
        var region = file.String("region");
        if (region is not null && !RegionName().IsMatch(region))
        {
            file.Error($"'region' '{region}' is not an AWS region name such as eu-west-1.");
        }
        var accountId = file.String("accountId");
        if (accountId is not null && !AccountIdPattern().IsMatch(accountId))
        {
            file.Error($"'accountId' '{accountId}' must be 12 digits (quote it in YAML).");
        }

        var jwks = file.StringMap("jwks");
        foreach (var (issuer, url) in jwks)
        {
            if (!IsHttpUrl(issuer))
            {
                file.Error($"'jwks' key '{issuer}' must be an issuer URL (https://...).");
            }
            if (!IsHttpUrl(url))
            {
                file.Error($"'jwks.{issuer}' '{url}' must be an absolute http or https URL.");
            }
        }

        var iam = new IamSettings();
        if (file.Object("iam") is { } iamObject)
        {
            var principals = ImmutableArray.CreateBuilder<IamPrincipal>();
            foreach (var p in iamObject.Objects("principals"))
            {
                if (ReadPrincipal(p) is { } principal)
                {
                    principals.Add(principal);
                }
            }
            iamObject.ReportUnknownKeys();
            iam = iam with { Principals = principals.ToImmutable() };
            // Bad ARNs, duplicate keys and policies IAM would refuse are config errors, found now.
            IamCredentialStore.Build(iam, context.Diagnostics);
        }

        return config with
        {
            Region = region ?? config.Region,
            AccountId = accountId ?? config.AccountId,
            Iam = iam,
            Jwt = new JwtSettings { JwksUris = jwks.ToImmutableDictionary(StringComparer.Ordinal) },
        };
    }

    private static IamPrincipal? ReadPrincipal(ConfigObject p)
    {
        var arn = p.String("arn", required: true);
        var keys = ImmutableArray.CreateBuilder<IamAccessKey>();
        foreach (var k in p.Objects("accessKeys", required: true))
        {
            var id = k.String("accessKeyId", required: true);
            var secret = k.String("secretAccessKey", required: true);
            var token = k.String("sessionToken");
            k.ReportUnknownKeys();
            if (id is not null && secret is not null)
            {
                keys.Add(new IamAccessKey { AccessKeyId = id, SecretAccessKey = secret, SessionToken = token });
            }
        }
        var policies = ImmutableArray.CreateBuilder<JsonElement>();
        foreach (var (item, path) in p.List("policies"))
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                p.Error($"'{path}' must be a policy document (an object with Version and Statement), not {OpenApiImporter.Describe(item.ValueKind)}.");
                continue;
            }
            policies.Add(item.Clone());
        }
        p.ReportUnknownKeys();
        return arn is null ? null : new IamPrincipal { Arn = arn, AccessKeys = keys.ToImmutable(), Policies = policies.ToImmutable() };
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionName();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();
}
