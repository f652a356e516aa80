
namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// One step of a method's policy chain (the method phase). It lets the request go on, stops it
/// with a gateway error, or answers it itself (Handled, as a cache hit will). A policy that fails
/// never writes the response itself, and no policy decides its own place: <see cref="Config.PolicyOrder"/> does.
/// </summary>
internal interface IRequestPolicy
{
    ValueTask<StepResult> InvokeAsync(RequestContext context);
}

/// <summary>
/// Sends the request to the backend (or answers it, for MOCK) and writes the response. Returns a
/// gateway error instead when it fails before anything was written.
/// </summary>
internal interface IIntegration
{
    ValueTask<GatewayError?> InvokeAsync(RequestContext context);
}

/// <summary>
/// Writes the response of a request the gateway answers itself (<see cref="RequestContext.Error"/>),
/// in its API's way: the one renderer of gateway responses (<c>Responses.GatewayResponseRenderer</c>).
/// The response must not have started.
/// </summary>
internal interface IGatewayResponder
{
    Task WriteAsync(RequestContext context);
}
