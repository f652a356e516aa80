namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// The request as it goes upstream, built once from the client's request and the integration's
/// changes, whichever client then sends it. Headers are end-to-end fields only, one entry per
/// field line, in the client's order: no <c>Host</c>, no hop-by-hop fields and no framing
/// (<c>Content-Length</c>, <c>Transfer-Encoding</c>), which the sending client writes itself.
/// </summary>
internal sealed class UpstreamRequest(string method, Uri target)
{
    public string Method { get; } = method;

    public Uri Target { get; } = target;

    /// <summary>The field lines to send, in order.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = new(16);

    /// <summary>The body to stream, or null for a request without one.</summary>
    public Stream? Body { get; set; }

    /// <summary>The body's length when the client declared it; otherwise the body is sent chunked.</summary>
    public long? ContentLength { get; set; }

    /// <summary>The <c>Upgrade</c> value of a protocol upgrade (WebSocket) being tunnelled, else null.</summary>
    public string? Upgrade { get; set; }

    public void Add(string name, string value) => Headers.Add(new(name, value));

    /// <summary>The same request sent to another target (the destination a target group picked).</summary>
    public UpstreamRequest WithTarget(Uri target)
    {
        var copy = new UpstreamRequest(Method, target) { Body = Body, ContentLength = ContentLength, Upgrade = Upgrade };
        copy.Headers.AddRange(Headers);
        return copy;
    }

    /// <summary>
    /// Why the request cannot be sent as it is, or null: a field name that is not a token, or a
    /// value with CR, LF or NUL (typically a value mapped from the client's input, such as
    /// <c>?a=x%0d%0aEvil:1</c>, that would otherwise start a header line of its own).
    /// </summary>
    public string? Problem()
    {
        foreach (var (name, value) in Headers)
        {
            if (!HeaderRules.IsFieldName(name))
            {
                return $"the request header name '{name}' is not a valid field name";
            }
            if (!HeaderRules.IsFieldValue(value))
            {
                return $"the request header '{name}' has a line break or NUL in its value";
            }
        }
        return Upgrade is { } upgrade && !HeaderRules.IsFieldValue(upgrade) ? "the Upgrade header has a line break or NUL in its value" : null;
    }

    /// <summary>
    /// Adds a value to the field: onto its last line as a list item (<c>a, b</c>) when it is
    /// there already, so a backend that reads only one line of a field still sees both.
    /// </summary>
    public void Append(string name, string value)
    {
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                Headers[i] = new(Headers[i].Key, Headers[i].Value + ", " + value);
                return;
            }
        }
        Headers.Add(new(name, value));
    }

    /// <summary>Replaces every field of that name with one.</summary>
    public void Set(string name, string value)
    {
        Remove(name);
        Headers.Add(new(name, value));
    }

    public void Remove(string name)
    {
        // A loop, not RemoveAll with a lambda: no closure allocated per call.
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                Headers.RemoveAt(i);
            }
        }
    }
}
