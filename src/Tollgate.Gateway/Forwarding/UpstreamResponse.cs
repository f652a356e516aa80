namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// A backend's answer as the forwarder sees it, whichever client fetched it: the status, the
/// header fields as the backend sent them (one entry per field line, values as received) and the
/// body, still to be read. Disposing it gives the connection back for reuse when the exchange
/// ended cleanly, and closes it otherwise, and then gives back the backend's slot.
/// </summary>
internal abstract class UpstreamResponse : IDisposable
{
    private BackendLimiter.Backend? _slot;
    public abstract int StatusCode { get; }

    /// <summary>The header fields, in the order received.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>
    /// The body, framing removed. After a <c>101 Switching Protocols</c> it is the connection
    /// itself, both ways.
    /// </summary>
    public abstract Stream Body { get; }

    /// <summary>The field's value, repeated lines joined with commas; null when absent.</summary>
    public string? Header(string name)
    {
        string? found = null;
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                found = found is null ? value : found + "," + value;
            }
        }
        return found;
    }

    /// <summary>The backend slot this exchange holds until it is disposed (<see cref="BackendLimiter"/>).</summary>
    internal void Hold(BackendLimiter.Backend? slot) => _slot = slot;

    public void Dispose()
    {
        Close();
        Interlocked.Exchange(ref _slot, null)?.Exit();
    }

    /// <summary>Ends the exchange: the connection is reused when the exchange ended cleanly, closed otherwise.</summary>
    protected abstract void Close();
}

/// <summary>An answer fetched by <see cref="HttpMessageInvoker"/> (HTTPS upstreams, HTTP/2 by ALPN).</summary>
internal sealed class HandlerUpstreamResponse : UpstreamResponse
{
    private readonly HttpResponseMessage _response;
    private readonly List<KeyValuePair<string, string>> _headers;
    private Stream? _body;

    public HandlerUpstreamResponse(HttpResponseMessage response)
    {
        _response = response;
        _headers = new List<KeyValuePair<string, string>>(16);
        // The values as the backend sent them: neither parsed nor re-formatted on the way through.
        Collect(response.Headers.NonValidated);
        Collect(response.Content.Headers.NonValidated);
    }

    private void Collect(System.Net.Http.Headers.HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                _headers.Add(new(name, value));
            }
        }
    }

    public override int StatusCode => (int)_response.StatusCode;

    public override IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public override Stream Body => _body ??= _response.Content.ReadAsStream();

    protected override void Close()
    {
        _body?.Dispose();
        _response.Dispose();
    }
}
