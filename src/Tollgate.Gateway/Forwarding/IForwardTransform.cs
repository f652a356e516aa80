using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// Changes an integration makes to a proxied exchange (HTTP API parameter mappings): to the
/// request before it is sent, and to the response head before it reaches the client. The
/// body still streams, unless <see cref="NeedsResponseBody"/> asks for it (then it is buffered, up
/// to <see cref="MaxBufferedBodyBytes"/>).
/// </summary>
internal interface IForwardTransform
{
    /// <summary>API Gateway's payload limit: 10 MB.</summary>
    const int MaxBufferedBodyBytes = 10 * 1024 * 1024;

    /// <summary>Called with the request built, before it is sent; <paramref name="state"/> is <see cref="ForwardRequest.State"/>.</summary>
    void OnRequest(object? state, UpstreamRequest request);

    bool NeedsResponseBody(int statusCode);

    /// <summary>
    /// Called after the backend's head has been copied to <paramref name="outbound"/> and before it
    /// is sent; <paramref name="latencyMs"/> is the time the head took.
    /// </summary>
    void OnResponse(object? state, UpstreamResponse response, long latencyMs, HttpResponse outbound, ReadOnlyMemory<byte>? body);
}
