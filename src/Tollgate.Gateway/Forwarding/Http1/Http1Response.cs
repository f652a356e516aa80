namespace Tollgate.Gateway.Forwarding.Http1;

/// <summary>An answer read by <see cref="Http1Connection"/>.</summary>
internal sealed class Http1Response(Http1Connection connection, int statusCode, List<KeyValuePair<string, string>> headers, Stream body) : UpstreamResponse
{
    private int _released;

    public override int StatusCode => statusCode;

    public override IReadOnlyList<KeyValuePair<string, string>> Headers => headers;

    public override Stream Body => body;

    protected override void Close()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            connection.Release();
        }
    }
}
