using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.SigV4;

namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>Thrown when a body to be hashed is larger than the API allows.</summary>
internal sealed class RequestBodyTooLargeException : Exception
{
    public RequestBodyTooLargeException()
    {
    }

    public RequestBodyTooLargeException(string message) : base(message)
    {
    }

    public RequestBodyTooLargeException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>
/// Hashes a request body for SigV4, only when the signature covers it (the verifier never asks
/// for <c>UNSIGNED-PAYLOAD</c> requests, which keep streaming). The body is read into memory, at
/// most the API's body limit, and put back as the request body so the integration still sends it.
/// </summary>
internal sealed class RequestBodyHash(HttpRequest request, long maxBytes) : IBodyHashSource
{
    public async ValueTask<string> GetSha256HexAsync(CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new MemoryStream(request.ContentLength is > 0 and var length && length <= maxBytes ? (int)length : 0);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(), cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new RequestBodyTooLargeException();
                }
                hash.AppendData(chunk, 0, read);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        buffer.Position = 0;
        request.Body = buffer;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
