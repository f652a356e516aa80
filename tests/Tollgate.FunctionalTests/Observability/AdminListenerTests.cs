using System.Net;
using System.Net.Sockets;
using System.Text;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Observability;

/// <summary>
/// The admin listener (<c>server.adminListen</c>) on a real Kestrel beside the gateway's, both on
/// port 0: the probes answer there and only there, readiness names what fails, and a gateway
/// full of client connections still answers its probes.
/// </summary>
public sealed class AdminListenerTests
{
    private const string Ready = """{"status":"ready","checks":{"config":{"status":"ok"},"listeners":{"status":"ok"},"usageStore":{"status":"ok"}}}""" + "\n";

    private static GatewayConfig WithAdmin(GatewayConfig config, int? maxConnections = null) => config with
    {
        Server = config.Server with { AdminListen = "http://127.0.0.1:0", MaxConnections = maxConnections, KeepAliveTimeout = TimeSpan.FromHours(1) },
    };

    private static GatewayConfig Hello() => Config(Api("pets", "prod", Resource("/hello", ("GET", Mock("hello")))));

    [Fact]
    public async Task Probes_AnswerOnAdminListenerOnly()
    {
        using var data = new TempDirectory();
        var config = WithAdmin(Hello());
        await using var gateway = await RunningGateway.StartAsync(
            () => new Tollgate.Gateway.Config.ConfigLoad(config, [], []), o => o with { DataDirectory = data.Path });
        var admin = Assert.Single(gateway.Server.AdminAddresses);
        Assert.NotEqual(gateway.BaseUri.Port, admin.Port);
        using var client = new HttpClient { BaseAddress = admin };

        using (var health = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
            Assert.Equal("text/plain; charset=utf-8", health.Content.Headers.ContentType!.ToString());
            Assert.Equal("no-store", health.Headers.CacheControl!.ToString());
        }
        using (var ready = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("application/json", ready.Content.Headers.ContentType!.ToString());
            Assert.Equal(Ready, await ready.Content.ReadAsStringAsync());
        }
        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("", await head.Content.ReadAsStringAsync());
        }

        // Anything else on the admin listener: 404, or 405 for a method a probe never sends.
        foreach (var path in new[] { "/", "/healthz/", "/HEALTHZ", "/readyz/x", "/prod/hello", "/metricsz" })
        {
            using var missing = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("not found\n", await missing.Content.ReadAsStringAsync());
        }
        using (var post = await client.PostAsync("/readyz", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
            Assert.Equal("GET, HEAD", string.Join(", ", post.Content.Headers.Allow));
        }

        // The gateway's listener knows nothing of the probes; the admin one nothing of the APIs.
        using (var onGateway = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, onGateway.StatusCode);
            Assert.Equal("{\"message\":\"Missing Authentication Token\"}", await onGateway.Content.ReadAsStringAsync());
        }
        Assert.Equal("hello", await gateway.Client.GetStringAsync("/prod/hello"));
    }

    /// <summary>With an API key in a usage plan: a config that needs the usage database (one without opens none).</summary>
    private static GatewayConfig WithPlan(GatewayConfig config) => config with
    {
        ApiKeys = [new ApiKey { Name = "tenant-a", Value = "inline-secret-0123456789abcdef" }],
        UsagePlans = [new UsagePlan { Name = "gold", ApiStages = [new UsagePlanApiStage { ApiId = "pets", Stage = "prod" }], ApiKeys = ["tenant-a"] }],
    };

    [Fact]
    public async Task Readyz_UsageDatabaseGone_503NamingTheStore()
    {
        using var data = new TempDirectory();
        var config = WithAdmin(WithPlan(Hello()));
        await using var gateway = await RunningGateway.StartAsync(
            () => new Tollgate.Gateway.Config.ConfigLoad(config, [], []), o => o with { DataDirectory = data.Path });
        using var client = new HttpClient { BaseAddress = gateway.Server.AdminAddresses[0] };
        Assert.Equal(Ready, await client.GetStringAsync("/readyz"));

        // Deleted under the running gateway: the open connection would write into a file no one reads again.
        var database = Path.Combine(data.Path, "tollgate.db");
        File.Delete(database);

        using var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(
            "{\"status\":\"not ready\",\"checks\":{\"config\":{\"status\":\"ok\"},\"listeners\":{\"status\":\"ok\"},\"usageStore\":{\"status\":\"failing\",\"reason\":"
            + $"\"the database file '{database}' is gone; usage written now would be lost at restart\"" + "}}}\n",
            await ready.Content.ReadAsStringAsync());
        // Liveness is not readiness: the process is up, a restart is not what helps.
        Assert.Equal("ok\n", await client.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Readyz_GatewayStopped_503WhileAdminStillAnswers()
    {
        var config = WithAdmin(Hello());
        await using var gateway = await RunningGateway.StartAsync(config);
        using var client = new HttpClient { BaseAddress = gateway.Server.AdminAddresses[0] };
        Assert.Equal(Ready, await client.GetStringAsync("/readyz"));

        await gateway.Server.StopAsync();

        using var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(
            """{"status":"not ready","checks":{"config":{"status":"ok"},"listeners":{"status":"failing","reason":"the gateway's listeners are not bound (starting, or draining to stop)"},"usageStore":{"status":"ok"}}}""" + "\n",
            await ready.Content.ReadAsStringAsync());
        Assert.Equal("ok\n", await client.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Healthz_GatewayConnectionLimitFull_AdminStillAnswers()
    {
        const int limit = 2;
        await using var gateway = await RunningGateway.StartAsync(WithAdmin(Hello(), maxConnections: limit));
        var port = gateway.BaseUri.Port;
        var held = new List<Socket>();
        Socket? waiting = null;
        try
        {
            // Take every slot, each proven accepted by an answer on it; the connections stay open.
            for (var i = 0; i < limit; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                held.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, port);
                Assert.StartsWith("HTTP/1.1 200 OK", await ExchangeAsync(socket, keepAlive: true), StringComparison.Ordinal);
            }
            // One more waits in the gateway's backlog.
            waiting = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await waiting.ConnectAsync(IPAddress.Loopback, port);
            var queued = ExchangeAsync(waiting, keepAlive: false);

            using var client = new HttpClient { BaseAddress = gateway.Server.AdminAddresses[0] };
            for (var i = 0; i < 3 * limit; i++)
            {
                Assert.Equal("ok\n", await client.GetStringAsync("/healthz"));
            }
            Assert.Equal(Ready, await client.GetStringAsync("/readyz"));
            Assert.False(queued.IsCompleted);
            Assert.Equal(limit, gateway.Server.OpenClientConnections);

            // A slot given back, the waiting connection is served: the gateway was full, not broken.
            held[0].Dispose();
            Assert.StartsWith("HTTP/1.1 200 OK", await queued.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        }
        finally
        {
            waiting?.Dispose();
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>A GET of /prod/hello on an open connection; the answer's head and body as read.</summary>
    private static async Task<string> ExchangeAsync(Socket socket, bool keepAlive)
    {
        var request = "GET /prod/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        while (!answer.ToString().EndsWith("hello", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                break;
            }
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return answer.ToString();
    }
}
