using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.SigV4;

/// <summary>
/// What the SigV4 verifier needs of a request, independent of Kestrel so that it can be tested
/// on its own. The path and query must be exactly as they arrived on the wire (still
/// percent-encoded); the verifier encodes them the way the client's signer did.
/// </summary>
internal sealed class SigV4Request
{
    /// <summary>The HTTP method, upper case as sent (<c>GET</c>).</summary>
    public required string Method { get; init; }

    /// <summary>The path as it arrived (request target up to <c>?</c>), for example <c>/live/a%20b</c>.</summary>
    public required string RawPath { get; init; }

    /// <summary>The query as it arrived, without the leading <c>?</c>; empty when there is none.</summary>
    public string RawQuery { get; init; } = "";

    /// <summary>The request headers (case-insensitive; repeated headers as several values).</summary>
    public required IHeaderDictionary Headers { get; init; }

    /// <summary>Hashes the body on demand; null means an empty body.</summary>
    public IBodyHashSource? Body { get; init; }
}

/// <summary>
/// Supplies the lower-case hex SHA-256 of the request body. Called at most once per
/// verification, and only when the signature covers the body.
/// </summary>
internal interface IBodyHashSource
{
    /// <summary>The body's SHA-256 as 64 lower-case hex digits.</summary>
    ValueTask<string> GetSha256HexAsync(CancellationToken cancellationToken);
}

/// <summary>A body already in memory.</summary>
internal sealed class BufferedBody(ReadOnlyMemory<byte> body) : IBodyHashSource
{
    /// <summary>The SHA-256 of an empty body, which every bodiless request signs.</summary>
    public const string EmptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public ValueTask<string> GetSha256HexAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(Sha256Hex(body.Span));

    public static string Sha256Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }
}
