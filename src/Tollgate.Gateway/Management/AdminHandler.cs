using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.Management;

/// <summary>
/// The requests of the admin listener (<c>server.adminListen</c>), never the gateway's: the
/// probes Kubernetes expects. <c>/healthz</c> answers 200 <c>ok</c> while the process serves
/// (liveness); <c>/readyz</c> answers 200 or 503 with a JSON body naming each check
/// (<see cref="Readiness"/>). <c>GET /metrics</c> is the Prometheus exporter's, served before
/// this handler (<see cref="IsScrape"/>); a HEAD of it answers 200 without a body. GET and HEAD
/// only (405 otherwise); any other path is 404.
/// </summary>
internal sealed class AdminHandler(Readiness readiness)
{
    /// <summary>The requests the Prometheus exporter answers: <c>GET /metrics</c>.</summary>
    public static bool IsScrape(HttpContext http) => HttpMethods.IsGet(http.Request.Method) && http.Request.Path.Value == "/metrics";

    private static readonly byte[] Ok = "ok\n"u8.ToArray();
    private static readonly byte[] NotFound = "not found\n"u8.ToArray();
    private static readonly byte[] NotAllowed = "method not allowed\n"u8.ToArray();

    /// <summary>Reasons name files in quotes: kept readable (a JSON body, never HTML).</summary>
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        response.Headers.CacheControl = "no-store";
        var path = request.Path.Value;
        if (path is not ("/healthz" or "/readyz" or "/metrics"))
        {
            return WriteAsync(response, StatusCodes.Status404NotFound, "text/plain; charset=utf-8", NotFound, request);
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            return WriteAsync(response, StatusCodes.Status405MethodNotAllowed, "text/plain; charset=utf-8", NotAllowed, request);
        }
        if (path == "/metrics")
        {
            return WriteAsync(response, StatusCodes.Status200OK, "text/plain; version=0.0.4; charset=utf-8", [], request);
        }
        if (path == "/healthz")
        {
            return WriteAsync(response, StatusCodes.Status200OK, "text/plain; charset=utf-8", Ok, request);
        }
        using var buffer = new MemoryStream();
        bool ready;
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            ready = readiness.Write(json);
        }
        buffer.WriteByte((byte)'\n');
        return WriteAsync(response, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            "application/json", buffer.ToArray(), request);
    }

    private static Task WriteAsync(HttpResponse response, int status, string contentType, byte[] body, HttpRequest request)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }
}
