namespace Tollgate.Gateway.Pipeline;

/// <summary>Request ids: random (version 4) UUIDs, as API Gateway's <c>$context.requestId</c>.</summary>
internal static class RequestIds
{
    /// <summary>
    /// A new id. The random bits come from the thread's own generator rather than the operating
    /// system's secure source (<see cref="Guid.NewGuid"/> makes a system call per id): a request id
    /// must be unique, not secret.
    /// </summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        // Guid's constructor reads the third group little-endian: byte 7 holds the version nibble.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
