using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.FunctionalTests.Support;

/// <summary>A real HTTP backend on 127.0.0.1, port chosen by the OS. Default handler echoes the request as JSON.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(WebApplication app) => _app = app;

    public Uri BaseUri => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public string Url => BaseUri.ToString().TrimEnd('/');

    public static async Task<TestBackend> StartAsync(RequestDelegate? handler = null, Action<WebApplication>? configure = null, bool https = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
            {
                if (https)
                {
                    listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(TestCertificates.Localhost());
                }
            });
        });
        var app = builder.Build();
        configure?.Invoke(app);
        app.Run(handler ?? EchoAsync);
        await app.StartAsync();
        return new TestBackend(app);
    }

    /// <summary>Answers with what it received: method, path, raw query, protocol, headers and body.</summary>
    public static async Task EchoAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in http.Request.Headers)
        {
            headers[name] = values.ToString();
        }
        var echo = new
        {
            method = http.Request.Method,
            path = http.Request.Path.Value,
            rawTarget = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget,
            query = http.Request.QueryString.Value,
            protocol = http.Request.Protocol,
            headers,
            body,
        };
        http.Response.ContentType = "application/json";
        http.Response.Headers["X-Backend"] = "echo";
        await http.Response.WriteAsync(JsonSerializer.Serialize(echo));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
