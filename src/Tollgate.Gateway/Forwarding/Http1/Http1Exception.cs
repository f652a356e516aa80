namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>
/// The backend broke the exchange: the connection failed or the answer was not HTTP/1.1 as it
/// must be. <see cref="NothingReceived"/> says the failure came before any byte of the answer,
/// so that a request without a body may be sent again on a new connection.
/// </summary>
internal sealed class Http1Exception(string message, bool nothingReceived, Exception? inner = null)
    : HttpRequestException(message, inner)
{
    public bool NothingReceived { get; } = nothingReceived;
}
