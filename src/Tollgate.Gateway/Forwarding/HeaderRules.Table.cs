using System.Collections.Frozen;

namespace Tollgate.Gateway.Forwarding;

/// <summary>The three kinds of integration the developer guide's header table has a column for.</summary>
internal enum HeaderTarget : byte
{
    /// <summary><c>HTTP</c> (custom) integrations.</summary>
    Http = 0,

    /// <summary><c>HTTP_PROXY</c> integrations.</summary>
    HttpProxy = 1,

    /// <summary>Lambda: <c>AWS</c> (custom) and <c>AWS_PROXY</c> integrations.</summary>
    Lambda = 2,
}

/// <summary>What happens to one header on its way across the gateway.</summary>
internal enum HeaderAction : byte
{
    /// <summary>Goes on as it is.</summary>
    Pass,

    /// <summary>Left out.</summary>
    Drop,

    /// <summary>Goes on as <c>x-amzn-Remapped-{name}</c>; where the gateway writes its own (Date, Server, Content-Length) that one stands.</summary>
    Remap,

    /// <summary>A mapping that sets it fails the request: 500, API Gateway's own refusal to build the integration request.</summary>
    Refuse,
}

/// <summary>
/// REST APIs' header rules, per direction and integration type: one table, from the developer
/// guide's "Amazon API Gateway important notes for REST APIs" (the headers "dropped, remapped, or
/// otherwise modified when sent to your integration endpoint or sent back by your integration
/// endpoint"), completed where the guide is silent by what real API Gateway was recorded doing
/// (issue 19): which mapped request headers it refuses with a 500 at request time, that it drops a
/// mapped <c>Connection</c> and keeps a mapped <c>Content-Type</c>, <c>Content-Encoding</c> or
/// <c>Content-MD5</c> response header, and that it remaps the backend's <c>x-amzn-RequestId</c>.
/// A header not in the table passes everywhere. Looked up once per header (a frozen dictionary,
/// case-insensitive), nothing allocated.
/// </summary>
internal static partial class HeaderRules
{
    // Columns, each "http http_proxy lambda" (P pass, D drop, R remap, X refuse with 500), except
    // the last, which is one letter for every integration type:
    //   client      the client's header into the integration request (HTTP_PROXY) or the Lambda
    //               proxy event. HTTP and AWS custom integrations send no client header unmapped.
    //   mapped      integration.request.header.X (and $context.requestOverride.header.X).
    //   response    the integration's header to the client (HTTP_PROXY, Lambda proxy).
    //   method      method.response.header.X (and $context.responseOverride.header.X), any type.
    private static readonly (string Name, string Client, string Mapped, string Response, char Method)[] Rows =
    [
        // name                 client    mapped    response  method
        ("Accept",              "P P P", "P P P", "D P P", 'P'),
        ("Authorization",       "P P P", "P P X", "R R R", 'R'),
        ("Connection",          "D D D", "D D X", "R R R", 'R'),
        ("Content-Encoding",    "P D P", "P P P", "P P P", 'P'),
        ("Content-Length",      "D D P", "X X X", "P P R", 'R'),
        ("Content-MD5",         "D D D", "D D D", "R R R", 'P'),
        ("Date",                "P P P", "P P P", "R R R", 'R'),
        ("Expect",              "D D D", "D D X", "D D D", 'D'),
        ("Host",                "D D P", "D D D", "D D D", 'D'),
        ("Max-Forwards",        "D D D", "D D D", "R R R", 'R'),
        ("Proxy-Authenticate",  "D D D", "D D X", "D D D", 'D'),
        ("Server",              "D D D", "D D D", "R R R", 'R'),
        ("TE",                  "D D D", "D D X", "D D D", 'D'),
        ("Trailer",             "D D D", "D D D", "D D D", 'D'),
        ("Transfer-Encoding",   "D D D", "X X X", "D D D", 'D'),
        ("Upgrade",             "D D D", "D D D", "D D D", 'D'),
        ("User-Agent",          "P P P", "P P P", "R R R", 'R'),
        ("Via",                 "D D P", "D D P", "P D D", 'P'),
        ("WWW-Authenticate",    "D D D", "D D D", "R R R", 'R'),
        ("x-amzn-RequestId",    "P P P", "P P P", "R R R", 'R'),
        // The gateway writes its own to HTTP and HTTP_PROXY endpoints (recorded from AWS).
        ("x-amzn-apigateway-api-id", "D D P", "P P P", "P P P", 'P'),
        // Hop-by-hop fields the guide does not name (RFC 9110 section 7.6.1): never across.
        ("Keep-Alive",          "D D D", "D D D", "D D D", 'D'),
        ("Proxy-Connection",    "D D D", "D D D", "D D D", 'D'),
        ("Proxy-Authorization", "D D D", "D D D", "D D D", 'D'),
        ("Http2-Settings",      "D D D", "D D D", "D D D", 'D'),
    ];

    private sealed class Rule(string remapped, HeaderAction[] client, HeaderAction[] mapped, HeaderAction[] response, HeaderAction method)
    {
        public readonly string RemappedName = remapped;
        public readonly HeaderAction[] Client = client;
        public readonly HeaderAction[] Mapped = mapped;
        public readonly HeaderAction[] Response = response;
        public readonly HeaderAction Method = method;
    }

    private static readonly FrozenDictionary<string, Rule> Table = Rows.ToFrozenDictionary(
        row => row.Name,
        row => new Rule("x-amzn-Remapped-" + row.Name, Parse(row.Client), Parse(row.Mapped), Parse(row.Response), Action(row.Method)),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>A client header going into the integration request (HTTP_PROXY) or the Lambda proxy event.</summary>
    public static HeaderAction ClientRequest(string name, HeaderTarget target) =>
        Table.TryGetValue(name, out var rule) ? rule.Client[(int)target] : HeaderAction.Pass;

    /// <summary>A header set by <c>integration.request.header.X</c> or <c>$context.requestOverride.header.X</c>.</summary>
    public static HeaderAction MappedRequest(string name, HeaderTarget target) =>
        Table.TryGetValue(name, out var rule) ? rule.Mapped[(int)target] : HeaderAction.Pass;

    /// <summary>The integration's own response header on its way to the client (HTTP_PROXY, Lambda proxy).</summary>
    public static HeaderAction IntegrationResponse(string name, HeaderTarget target) =>
        Table.TryGetValue(name, out var rule) ? rule.Response[(int)target] : HeaderAction.Pass;

    /// <summary>A header set by <c>method.response.header.X</c> or <c>$context.responseOverride.header.X</c>.</summary>
    public static HeaderAction MappedResponse(string name) =>
        Table.TryGetValue(name, out var rule) ? rule.Method : HeaderAction.Pass;

    /// <summary><c>x-amzn-Remapped-{name}</c>, made once for the names of the table.</summary>
    public static string RemappedName(string name) =>
        Table.TryGetValue(name, out var rule) ? rule.RemappedName : "x-amzn-Remapped-" + name;

    /// <summary>
    /// Sets a mapped response header on <paramref name="headers"/> by the table: dropped, set under
    /// <c>x-amzn-Remapped-{name}</c>, or set as it is.
    /// </summary>
    public static void SetMappedResponse(Microsoft.AspNetCore.Http.IHeaderDictionary headers, string name, string value)
    {
        switch (MappedResponse(name))
        {
            case HeaderAction.Drop:
                return;
            case HeaderAction.Remap:
                headers[RemappedName(name)] = value;
                return;
            default:
                headers[name] = value;
                return;
        }
    }

    private static HeaderAction[] Parse(string columns)
    {
        var parts = columns.Split(' ');
        if (parts.Length != 3)
        {
            throw new InvalidOperationException($"header rule '{columns}' must have three columns");
        }
        return [Action(parts[0][0]), Action(parts[1][0]), Action(parts[2][0])];
    }

    private static HeaderAction Action(char code) => code switch
    {
        'P' => HeaderAction.Pass,
        'D' => HeaderAction.Drop,
        'R' => HeaderAction.Remap,
        'X' => HeaderAction.Refuse,
        _ => throw new InvalidOperationException($"unknown header rule '{code}'"),
    };
}
