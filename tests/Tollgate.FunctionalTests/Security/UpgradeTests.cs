using System.Collections.Immutable;
using System.Net.Sockets;
using System.Text;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// Only the configured upgrade protocols (<c>server.upgradeProtocols</c>, WebSocket by default) are
/// tunnelled; any other upgrade, <c>h2c</c> included, goes as a plain request without its
/// <c>Upgrade</c>, <c>Connection</c> and <c>HTTP2-Settings</c> fields. The backend is a raw socket,
/// so the tests see the exact head the gateway wrote.
/// </summary>
public sealed class UpgradeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<RunningGateway> StartAsync(RawBackend backend, ImmutableArray<string>? protocols = null)
    {
        var config = Config(Api("up", "prod", Resource("/up", ("GET", Proxy(backend.Url + "/up")))));
        if (protocols is { } list)
        {
            config = config with { Server = new ServerSettings { UpgradeProtocols = list } };
        }
        return await RunningGateway.StartAsync(config);
    }

    /// <summary>Answers a plain request 200 <c>ok</c>; answers 101 and echoes what follows when asked to upgrade.</summary>
    private static RawBackend Backend() => RawBackend.Start(async exchange =>
    {
        if (!exchange.Head.Contains("\r\nUpgrade:", StringComparison.OrdinalIgnoreCase))
        {
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return;
        }
        await exchange.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        var buffer = new byte[4];
        await exchange.Stream.ReadExactlyAsync(buffer, exchange.Stopping);
        await exchange.Stream.WriteAsync(Encoding.ASCII.GetBytes("echo:" + Encoding.ASCII.GetString(buffer)), exchange.Stopping);
        await exchange.WaitForCloseAsync();
    });

    /// <summary>The head's field lines other than those that vary with ports, sorted.</summary>
    /// <summary>What API Gateway adds to every HTTP_PROXY request (recorded from AWS).</summary>
    private const string ApiId = "x-amzn-apigateway-api-id: up";

    private static string[] Fields(string head, RawBackend backend, RunningGateway gateway)
    {
        var lines = head.Split("\r\n");
        Assert.Equal("GET /up HTTP/1.1", lines[0]);
        Assert.Contains($"Host: 127.0.0.1:{backend.Port}", lines);
        Assert.Contains($"X-Forwarded-Port: {gateway.BaseUri.Port}", lines);
        return [.. lines.Skip(1).Where(l => !l.StartsWith("Host:", StringComparison.Ordinal) && !l.StartsWith("X-Forwarded-Port:", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task H2cUpgrade_ForwardedPlain_WithoutUpgradeConnectionOrSettings()
    {
        await using var backend = Backend();
        await using var gateway = await StartAsync(backend);

        using var client = await ConnectAsync(gateway);
        var (head, body) = await ExchangeAsync(client,
            "GET /prod/up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n" +
            "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nX-Keep: 1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Equal("ok", body);
        var received = Assert.Single(backend.Heads);
        Assert.Equal(["X-Forwarded-For: 127.0.0.1", "X-Forwarded-Proto: http", "X-Keep: 1", ApiId], Fields(received, backend, gateway));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("websocket, h2c")]
    [InlineData("TLS/1.2")]
    public async Task UnlistedUpgrade_ForwardedPlain(string protocols)
    {
        await using var backend = Backend();
        await using var gateway = await StartAsync(backend);

        using var client = await ConnectAsync(gateway);
        var (head, body) = await ExchangeAsync(client,
            $"GET /prod/up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: {protocols}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Equal("ok", body);
        Assert.Equal(["X-Forwarded-For: 127.0.0.1", "X-Forwarded-Proto: http", ApiId], Fields(Assert.Single(backend.Heads), backend, gateway));
    }

    [Theory]
    [InlineData("WebSocket", null)]
    [InlineData("websocket", null)]
    [InlineData("x-custom", new[] { "websocket", "X-Custom" })]
    public async Task ListedUpgrade_Tunnelled(string protocol, string[]? configured)
    {
        await using var backend = Backend();
        await using var gateway = await StartAsync(backend, configured is null ? null : [.. configured]);

        using var client = await ConnectAsync(gateway);
        var (head, _) = await ExchangeAsync(client,
            $"GET /prod/up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: {protocol}\r\nSec-WebSocket-Version: 13\r\n\r\n", bodyless: true);

        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(Patience);
        await stream.WriteAsync("ping"u8.ToArray(), timeout.Token);
        var echo = new byte[9];
        await stream.ReadExactlyAsync(echo, timeout.Token);
        Assert.Equal("echo:ping", Encoding.ASCII.GetString(echo));
        Assert.Equal(
            ["Connection: Upgrade", "Sec-WebSocket-Version: 13", "Upgrade: " + protocol, "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Proto: http", ApiId],
            Fields(Assert.Single(backend.Heads), backend, gateway));
    }

    [Fact]
    public async Task NoProtocolsConfigured_WebSocketForwardedPlain()
    {
        await using var backend = Backend();
        await using var gateway = await StartAsync(backend, []);

        using var client = await ConnectAsync(gateway);
        var (head, body) = await ExchangeAsync(client,
            "GET /prod/up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Equal("ok", body);
        Assert.Equal(["Sec-WebSocket-Version: 13", "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Proto: http", ApiId], Fields(Assert.Single(backend.Heads), backend, gateway));
    }

    private static async Task<TcpClient> ConnectAsync(RunningGateway gateway)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", gateway.BaseUri.Port);
        return client;
    }

    /// <summary>Sends the request and reads the answer's head and its <c>Content-Length</c> body (none when <paramref name="bodyless"/>).</summary>
    private static async Task<(string Head, string Body)> ExchangeAsync(TcpClient client, string request, bool bodyless = false)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                break;
            }
            head.Append((char)one[0]);
        }
        var text = head.ToString();
        if (bodyless)
        {
            return (text, "");
        }
        var length = text.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim();
        var body = new byte[int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body, timeout.Token);
        return (text, Encoding.ASCII.GetString(body));
    }
}
