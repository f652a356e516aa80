using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The fingerprint of a config load: SHA-256 over each file's path and the exact bytes that were
/// parsed, in the order read. Taken from the same read as the parse, never from a second one, so
/// a file saved while it was being loaded cannot make the next reload (the one that save
/// triggers) look unchanged.
/// </summary>
internal sealed class SourceDigest
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _files;

    /// <summary>Adds a file as it was read.</summary>
    public void Add(string path, ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
        _hash.AppendData(bytes);
        _hash.AppendData("\0"u8);
        _files++;
    }

    /// <summary>The hex digest; empty when no file was read.</summary>
    public string Finish()
    {
        var digest = Convert.ToHexString(_hash.GetHashAndReset());
        _hash.Dispose();
        return _files == 0 ? "" : digest;
    }
}
