namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// How an exchange with a destination ended, as the forwarder sees it: in terms of HTTP and the
/// connection, never of API Gateway. The integrations turn it into a gateway response and the
/// <c>$context.integration*</c> values in one place (<c>Integrations.ForwarderErrors</c>); a load
/// balancer path would turn it into the ALB's own statuses.
/// </summary>
internal enum ForwarderError
{
    /// <summary>The exchange completed (whatever the backend's status).</summary>
    None,

    /// <summary>The client went away before the answer was complete; the exchange was abandoned.</summary>
    RequestCanceled,

    /// <summary>The request could not be sent as built (a header value with CR, LF or NUL); nothing was sent.</summary>
    RequestInvalid,

    /// <summary>The client's body was larger than the limit while it was being sent.</summary>
    RequestBodyTooLarge,

    /// <summary>The client's body was malformed (a bad chunk, an overflowing length): the client's fault.</summary>
    RequestBodyInvalid,

    /// <summary>The destination is at its cap of requests in flight; nothing was sent.</summary>
    BackendBusy,

    /// <summary>No destination of the target group can take the request.</summary>
    NoAvailableDestination,

    /// <summary>The destination could not be reached (refused, unreachable, name not resolved).</summary>
    ConnectFailed,

    /// <summary>The exchange failed before a response head arrived (reset, closed, an invalid head).</summary>
    RequestFailed,

    /// <summary>No response head within the timeout.</summary>
    RequestTimedOut,

    /// <summary>The backend went quiet in its body before anything was sent to the client.</summary>
    ResponseBodyTimedOut,

    /// <summary>The body to be read whole was larger than the limit; nothing was sent to the client.</summary>
    ResponseBodyTooLarge,

    /// <summary>The body to be read whole could not be read; nothing was sent to the client.</summary>
    ResponseBodyFailed,

    /// <summary>
    /// The backend went quiet in its body after the head was passed on: the client's response must
    /// be cut off, not ended cleanly. The caller aborts it (<see cref="Microsoft.AspNetCore.Http.HttpContext.Abort"/>)
    /// once it has recorded why, so that the record is there before the client sees the cut.
    /// </summary>
    ResponseBodyIdle,

    /// <summary>The body stopped (either side failed) after the head was passed on; the client's response was cut off.</summary>
    ResponseCut,
}

/// <summary>
/// The outcome of one exchange: the error (<see cref="ForwarderError.None"/> when it completed),
/// the backend's status and the time to its head when one arrived (else null and -1), and a
/// detail for logs and <c>$context.integrationErrorMessage</c>.
/// </summary>
internal readonly record struct ForwardResult(ForwarderError Error, int? Status = null, long LatencyMs = -1, string? Detail = null)
{
    public static readonly ForwardResult Canceled = new(ForwarderError.RequestCanceled);
}
