using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Gateway.Model;

/// <summary>
/// An API key: a secret value that callers send in <c>x-api-key</c> (or that a Lambda authorizer
/// returns as <c>usageIdentifierKey</c>) and that usage plans meter and throttle.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> never prints the value: records print every member by default, and a
/// key value must not reach a log.
/// </remarks>
public sealed record ApiKey
{
    private readonly string? _id;

    /// <summary>The key's name, unique in the config; usage plans refer to keys by name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The key id, as used in usage records and <c>GetUsage</c>. Default: derived from
    /// <see cref="Name"/> (ten lower-case letters and digits, like AWS key ids), so it stays the
    /// same across restarts and reloads while the name does.
    /// </summary>
    public string Id
    {
        get => _id ?? DeriveId(Name);
        init => _id = value;
    }

    /// <summary>
    /// The secret value, already resolved from <see cref="ValueFrom"/> when that is set. AWS
    /// requires at least 20 characters; Tollgate warns below that.
    /// </summary>
    public string Value { get; init; } = "";

    /// <summary>Where the value was read from (<c>valueFrom</c>), kept so that the config can be written back without the secret; null: given inline.</summary>
    public SecretReference? ValueFrom { get; init; }

    /// <summary>Whether the key is accepted. A disabled key gets 403 like an unknown one. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>A stable id for a name: the first 50 bits of its SHA-256, in base 32 (a-z, 2-7).</summary>
    /// <param name="name">The name.</param>
    /// <returns>Ten characters.</returns>
    public static string DeriveId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bits = BitConverter.ToUInt64(hash);
        return string.Create(10, bits, static (chars, b) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[(int)(b & 31)];
                b >>= 5;
            }
        });
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name)
            .Append(", Id = ").Append(Id)
            .Append(", Enabled = ").Append(Enabled);
        return true;
    }
}

/// <summary>
/// Where a secret comes from instead of the config file itself (<c>valueFrom</c>): exactly one of
/// <see cref="Env"/> and <see cref="File"/> is set.
/// </summary>
public sealed record SecretReference
{
    /// <summary>The name of an environment variable holding the secret.</summary>
    public string? Env { get; init; }

    /// <summary>A file holding the secret (surrounding white space trimmed); relative paths are relative to the config file.</summary>
    public string? File { get; init; }
}
