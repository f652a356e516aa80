using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Responses;

/// <summary>
/// Why an authorizer refused a request, in the form the gateway response renderer needs: the
/// response type (which fixes the default status), the client-facing message
/// (<c>$context.error.message</c>), the <c>x-amzn-ErrorType</c> AWS sends, and a short
/// log-friendly reason that is never shown to the client.
/// </summary>
/// <param name="ResponseType">The gateway response type, for example <c>INVALID_SIGNATURE</c>.</param>
/// <param name="StatusCode">The default status code of that type, as AWS sends it.</param>
/// <param name="Message">The message for <c>{"message": ...}</c>; null renders as JSON null, as AWS does for authorizer errors.</param>
/// <param name="ErrorType">The <c>x-amzn-ErrorType</c> value, for example <c>InvalidSignatureException</c>.</param>
/// <param name="Reason">A stable code for logs and metrics, for example <c>sigv4.signature_mismatch</c>.</param>
internal sealed record AuthFailure(
    GatewayResponseType ResponseType,
    int StatusCode,
    string? Message,
    string ErrorType,
    string Reason);
