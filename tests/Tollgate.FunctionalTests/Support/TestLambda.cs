using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tollgate.FunctionalTests.Support;

/// <summary>What a test function answers: its result (or error object) and whether it failed.</summary>
public sealed record LambdaReply(string Payload, string? FunctionError = null, int StatusCode = 200);

/// <summary>
/// A small Lambda Invoke API server (<c>POST /2015-03-31/functions/{name}/invocations</c>) on a
/// real Kestrel port, with one handler per function and a record of every invocation.
/// </summary>
public sealed class TestLambda : IAsyncDisposable
{
    private readonly TestBackend _server;
    private readonly ConcurrentDictionary<string, Func<JsonElement, Task<LambdaReply>>> _functions = new(StringComparer.Ordinal);

    private TestLambda(TestBackend server) => _server = server;

    public string Url => _server.Url;

    /// <summary>Every invocation: the function name as it appeared in the path, and the event.</summary>
    public ConcurrentQueue<(string Function, JsonElement Event)> Invocations { get; } = new();

    public static async Task<TestLambda> StartAsync()
    {
        TestLambda? lambda = null;
        var server = await TestBackend.StartAsync(http => lambda!.HandleAsync(http));
        lambda = new TestLambda(server);
        return lambda;
    }

    public void Function(string name, Func<JsonElement, Task<LambdaReply>> handler) => _functions[name] = handler;

    public void Function(string name, Func<JsonElement, LambdaReply> handler) => _functions[name] = e => Task.FromResult(handler(e));

    public int CountOf(string name) => Invocations.Count(i => i.Function == name);

    /// <summary>The <c>X-Amzn-Trace-Id</c> of each invocation, with its function ("" when none came).</summary>
    public ConcurrentQueue<(string Function, string TraceHeader)> TraceHeaders { get; } = new();

    private async Task HandleAsync(HttpContext http)
    {
        const string Prefix = "/2015-03-31/functions/";
        var path = http.Request.Path.Value ?? "";
        if (!HttpMethods.IsPost(http.Request.Method) || !path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith("/invocations", StringComparison.Ordinal))
        {
            http.Response.StatusCode = 404;
            return;
        }
        var name = Uri.UnescapeDataString(path[Prefix.Length..^"/invocations".Length]);
        using var document = await JsonDocument.ParseAsync(http.Request.Body);
        var payload = document.RootElement.Clone();
        Invocations.Enqueue((name, payload));
        TraceHeaders.Enqueue((name, http.Request.Headers["X-Amzn-Trace-Id"].ToString()));
        var key = _functions.ContainsKey(name) ? name : name[(name.LastIndexOf(':') + 1)..];
        if (!_functions.TryGetValue(key, out var handler))
        {
            http.Response.StatusCode = 404;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{\"Type\":\"User\",\"message\":\"Function not found: " + name + "\"}");
            return;
        }
        var reply = await handler(payload);
        http.Response.StatusCode = reply.StatusCode;
        if (reply.FunctionError is not null)
        {
            http.Response.Headers["X-Amz-Function-Error"] = reply.FunctionError;
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(reply.Payload);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
