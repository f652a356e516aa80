using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// Sends one request on pooled connections and returns the answer's head with its body still to
/// read. One implementation per transport: the gateway's own HTTP/1.1 client for plain
/// <c>http://</c>, <see cref="System.Net.Http.SocketsHttpHandler"/> for <c>https://</c>
/// (<see cref="OutboundClients"/> makes them all).
/// </summary>
internal interface IUpstreamClient
{
    /// <summary>
    /// Sends <paramref name="request"/>; the response holds <paramref name="slot"/> (the backend's
    /// place under its cap) until disposed, and the slot is given back when the send fails.
    /// </summary>
    ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, BackendLimiter.Backend? slot, CancellationToken cancellationToken);
}

/// <summary>
/// Where one request goes: the absolute URI it is sent to (scheme, authority, path and query, as
/// <see cref="UpstreamTarget.Create"/> checked it) and the client that reaches it. A target group
/// (<c>Upstreams.ITargetGroup</c>) picks it per request; the forwarder only sends to it.
/// </summary>
internal readonly record struct Destination(Uri Address, IUpstreamClient Client);
