using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.SigV4;

namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>A configured principal, with its identity policies compiled.</summary>
internal sealed class IamPrincipalEntry
{
    public required string Arn { get; init; }

    /// <summary>The account id from the ARN (its fifth field).</summary>
    public required string AccountId { get; init; }

    /// <summary>The last path element of the ARN (user or role name); <c>role/session</c> for assumed roles.</summary>
    public required string Name { get; init; }

    public required ImmutableArray<IamPolicy> Policies { get; init; }
}

/// <summary>An IAM access key and the principal it belongs to.</summary>
internal sealed class IamCredential(string accessKeyId, string secretAccessKey, string? sessionToken, IamPrincipalEntry principal)
    : SigV4Key(accessKeyId, secretAccessKey, sessionToken)
{
    public IamPrincipalEntry Principal { get; } = principal;
}

/// <summary>Access keys by id, built from <see cref="IamSettings"/> once per config.</summary>
internal sealed class IamCredentialStore : ISigV4Keys
{
    private readonly FrozenDictionary<string, IamCredential> _keys;

    private IamCredentialStore(FrozenDictionary<string, IamCredential> keys, IamSettings settings)
    {
        _keys = keys;
        Settings = settings;
    }

    public IamSettings Settings { get; }

    public bool TryGet(string accessKeyId, out IamCredential credential) =>
        _keys.TryGetValue(accessKeyId, out credential!);

    bool ISigV4Keys.TryGetKey(string accessKeyId, out SigV4Key key)
    {
        var found = _keys.TryGetValue(accessKeyId, out var credential);
        key = credential!;
        return found;
    }

    /// <summary>Builds the store, reporting every problem (bad ARN, duplicate key, bad policy).</summary>
    public static IamCredentialStore Build(IamSettings settings, DiagnosticBag diagnostics)
    {
        var keys = new Dictionary<string, IamCredential>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Principals.Length; i++)
        {
            var p = settings.Principals[i];
            var location = $"iam.principals[{i}] '{p.Arn}'";
            if (!TryParseArn(p.Arn, out var account, out var name))
            {
                diagnostics.Error(location, "arn must look like arn:aws:iam::123456789012:user/name or arn:aws:sts::123456789012:assumed-role/role/session.");
                continue;
            }
            if (p.AccessKeys.IsDefaultOrEmpty)
            {
                diagnostics.Error(location, "at least one access key is required.");
            }
            var policies = ImmutableArray.CreateBuilder<IamPolicy>();
            for (var j = 0; j < p.Policies.Length; j++)
            {
                var compiled = IamPolicy.Compile(p.Policies[j], diagnostics, $"{location}, policy {j}");
                if (compiled is not null)
                {
                    policies.Add(compiled);
                }
            }
            var entry = new IamPrincipalEntry { Arn = p.Arn, AccountId = account, Name = name, Policies = policies.ToImmutable() };
            foreach (var k in p.AccessKeys.IsDefault ? [] : p.AccessKeys)
            {
                if (string.IsNullOrEmpty(k.AccessKeyId) || string.IsNullOrEmpty(k.SecretAccessKey))
                {
                    diagnostics.Error(location, "an access key needs accessKeyId and secretAccessKey.");
                }
                else if (!keys.TryAdd(k.AccessKeyId, new IamCredential(k.AccessKeyId, k.SecretAccessKey, k.SessionToken, entry)))
                {
                    diagnostics.Error(location, $"access key '{k.AccessKeyId}' is already used by another principal.");
                }
            }
        }
        return new IamCredentialStore(keys.ToFrozenDictionary(StringComparer.Ordinal), settings);
    }

    /// <summary>Splits <c>arn:partition:service::account:type/.../name</c>.</summary>
    internal static bool TryParseArn(string arn, out string accountId, out string name)
    {
        accountId = name = "";
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] is not ("iam" or "sts") || parts[4].Length != 12)
        {
            return false;
        }
        foreach (var c in parts[4])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        var resource = parts[5];
        var slash = resource.IndexOf('/');
        if (slash <= 0 || slash == resource.Length - 1)
        {
            return false;
        }
        accountId = parts[4];
        var type = resource[..slash];
        var rest = resource[(slash + 1)..];
        // assumed-role/Role/session is named by its session, the rest by their last path element.
        name = type == "assumed-role" ? rest : rest[(rest.LastIndexOf('/') + 1)..];
        return true;
    }
}
