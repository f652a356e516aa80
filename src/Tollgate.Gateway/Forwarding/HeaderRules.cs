using System.Buffers;

namespace Tollgate.Gateway.Forwarding;

/// <summary>Which headers cross the gateway, and how (REST APIs' table in HeaderRules.Table.cs).</summary>
internal static partial class HeaderRules
{
    /// <summary>Hop-by-hop headers (RFC 9110 section 7.6.1) and Host: never forwarded either way.</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Proxy-Authorization", "Proxy-Authenticate", "Host", "Http2-Settings",
    };

    /// <summary>
    /// Response headers an HTTP API's HTTP_PROXY integration passes on as <c>x-amzn-Remapped-{name}</c>
    /// (REST APIs follow the table in HeaderRules.Table.cs instead).
    /// </summary>
    private static readonly Dictionary<string, string> Remapped = new[]
    {
        "Authorization", "Content-MD5", "Date", "Expect", "Max-Forwards", "Server", "User-Agent", "WWW-Authenticate",
    }.ToDictionary(name => name, name => "x-amzn-Remapped-" + name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>X-Forwarded-*</c> fields the gateway writes itself.</summary>
    private static readonly HashSet<string> Forwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port",
    };

    /// <summary>Headers that belong on <see cref="HttpContent"/> rather than on the request message.</summary>
    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
        "Content-Location", "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified",
    };

    /// <summary>The characters of a field name (RFC 9110 section 5.1: a token).</summary>
    private static readonly SearchValues<char> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    /// <summary>True for a name that can be written as a field name: a non-empty token.</summary>
    public static bool IsFieldName(string name) => name.Length > 0 && name.AsSpan().IndexOfAnyExcept(TokenChars) < 0;

    /// <summary>
    /// True for a value that can be written on one field line: no CR, LF or NUL, which would end
    /// the line early and start a field (or a request) of the sender's choosing.
    /// </summary>
    public static bool IsFieldValue(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0;

    public static bool IsContentHeader(string name) => ContentHeaders.Contains(name);

    public static bool IsRemapped(string name) => Remapped.ContainsKey(name);

    /// <summary>The name an HTTP API passes a response field on under: <c>x-amzn-Remapped-{name}</c> for the remapped ones.</summary>
    public static string ResponseName(string name) => Remapped.TryGetValue(name, out var remapped) ? remapped : name;

    public static bool IsForwarded(string name) => Forwarded.Contains(name);
}
