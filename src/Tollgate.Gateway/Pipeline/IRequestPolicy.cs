using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// One step of a method's policy chain. A policy either lets the request go on (null) or stops it
/// with a gateway error. It never writes the response itself and never decides its own place:
/// <see cref="PolicyOrder"/> does.
/// </summary>
internal interface IRequestPolicy
{
    ValueTask<GatewayError?> InvokeAsync(RequestContext context);
}

/// <summary>
/// Sends the request to the backend (or answers it, for MOCK) and writes the response. Returns a
/// gateway error instead when it fails before anything was written.
/// </summary>
internal interface IIntegration
{
    ValueTask<GatewayError?> InvokeAsync(RequestContext context);
}
