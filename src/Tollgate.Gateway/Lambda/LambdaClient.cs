using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Lambda;

/// <summary>How an invocation ended.</summary>
internal enum LambdaOutcome
{
    /// <summary>The function returned; <see cref="LambdaResult.Payload"/> is its result.</summary>
    Ok,

    /// <summary>The function failed (<c>X-Amz-Function-Error</c>); the payload is its error object.</summary>
    FunctionError,

    /// <summary>No answer within the timeout.</summary>
    Timeout,

    /// <summary>The Invoke API could not be reached or refused the call (throttled, not found, ...).</summary>
    Failed,
}

/// <summary>The result of one invocation.</summary>
internal readonly record struct LambdaResult(LambdaOutcome Outcome, int StatusCode, byte[] Payload, string? FunctionError, string? Message)
{
    /// <summary>
    /// Refused as throttled (429), by the function's concurrency limit here or by Lambda itself.
    /// The client has logged it already, at most once a second, so that a flood of refusals is
    /// not also a flood of log lines; callers log it only at debug level.
    /// </summary>
    public bool Throttled => Outcome == LambdaOutcome.Failed && StatusCode == LambdaClient.TooManyRequests;
}

/// <summary>
/// Calls functions through the Lambda Invoke API on pooled connections, with a timeout per call
/// and a concurrency limit per function (<see cref="LambdaConcurrency"/>). Long-lived: shared by
/// every snapshot; the limits are read from <see cref="Settings"/>, the config in use, at each call.
/// </summary>
internal sealed class LambdaClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly LambdaSettings Defaults = new();

    /// <summary>The status of a call refused by the concurrency limit: Lambda's own for a throttled invocation.</summary>
    internal const int TooManyRequests = 429;

    private readonly HttpMessageInvoker _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LambdaConcurrency _concurrency;
    private readonly Diagnostics.OccasionalReport _throttled = new(TimeSpan.FromSeconds(1));

    public LambdaClient(TimeProvider time, ILogger logger, int maxFunctions = LambdaConcurrency.DefaultMaxFunctions)
    {
        _time = time;
        _logger = logger;
        _concurrency = new LambdaConcurrency(time, maxFunctions);
        // The trace headers of an invocation are the gateway's to write (Observability.Tracing).
        _http = new HttpMessageInvoker(Forwarding.OutboundClients.CreateHandler(new Forwarding.OutboundHandlerOptions
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        }));
    }

    /// <summary>
    /// The Lambda settings in use (the current snapshot's), read at each call for the function's
    /// concurrency limits. Default: the defaults of <see cref="LambdaSettings"/>.
    /// </summary>
    public Func<LambdaSettings> Settings { get; set; } = static () => Defaults;

    /// <summary>The per-function limiters (for statistics and tests).</summary>
    public LambdaConcurrency Concurrency => _concurrency;

    /// <summary>
    /// Signs an invocation before it is sent (SigV4 for service <c>lambda</c>) when credentials are
    /// configured. Null: invocations go unsigned.
    /// </summary>
    public Func<HttpRequestMessage, byte[], LambdaCredentials, ValueTask>? Signer { get; set; }

    /// <summary>
    /// Invokes <paramref name="function"/> once a place among its concurrency limit is free. A call
    /// refused by the limit (queue full, or no place within the queue timeout) does not reach the
    /// function: it ends <see cref="LambdaOutcome.Failed"/> with status 429, as when Lambda itself
    /// throttles (<c>TooManyRequestsException</c>), and callers answer it the same way.
    /// <paramref name="requestId"/> is the gateway request the call serves, named on the lines this
    /// logs (null outside a request).
    /// </summary>
    public async ValueTask<LambdaResult> InvokeAsync(
        Uri endpoint, string function, byte[] payload, TimeSpan timeout, LambdaCredentials? credentials, string? requestId, CancellationToken cancellationToken)
    {
        var span = Observability.Tracing.StartClient("Lambda Invoke " + function);
        if (span is null)
        {
            return await InvokeUntracedAsync(endpoint, function, payload, timeout, credentials, requestId, null, cancellationToken);
        }
        span.SetTag("faas.invoked_name", function);
        span.SetTag("faas.invoked_provider", "aws");
        span.SetTag("rpc.system", "aws-api");
        span.SetTag("rpc.service", "Lambda");
        span.SetTag("rpc.method", "Invoke");
        LambdaResult? result = null;
        try
        {
            result = await InvokeUntracedAsync(endpoint, function, payload, timeout, credentials, requestId, span, cancellationToken);
            span.SetTag("aws.lambda.outcome", result.Value.Outcome.ToString());
            span.SetTag("http.response.status_code", result.Value.StatusCode);
            return result.Value;
        }
        finally
        {
            Observability.Tracing.End(span, result is not { } done ? "cancelled"
                : done.Outcome == LambdaOutcome.Ok ? null : done.Message ?? done.FunctionError ?? done.Outcome.ToString());
        }
    }

    private async ValueTask<LambdaResult> InvokeUntracedAsync(
        Uri endpoint, string function, byte[] payload, TimeSpan timeout, LambdaCredentials? credentials, string? requestId,
        System.Diagnostics.Activity? span, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var slot = default(LambdaSlot);
        try
        {
            (slot, var refusal) = await _concurrency.EnterAsync(function, LambdaFunctions.Limits(Settings(), function), linked.Token);
            if (refusal is not null)
            {
                ReportThrottled(function, refusal);
                return new LambdaResult(LambdaOutcome.Failed, TooManyRequests, [], null, refusal);
            }
            var target = new Uri(endpoint, $"2015-03-31/functions/{Uri.EscapeDataString(function)}/invocations");
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new ByteArrayContent(payload),
            };
            request.Content.Headers.ContentType = Json;
            request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", "RequestResponse");
            if (span is not null)
            {
                Observability.Tracing.Inject(span, (name, value) => request.Headers.TryAddWithoutValidation(name, value));
            }
            if (credentials is not null && Signer is { } signer)
            {
                await signer(request, payload, credentials);
            }
            using var response = await _http.SendAsync(request, linked.Token);
            var body = await ReadBoundedAsync(response.Content, linked.Token);
            var status = (int)response.StatusCode;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var message = $"the Lambda Invoke API answered {status} for '{function}'";
                if (status == TooManyRequests)
                {
                    ReportThrottled(function, message);
                }
                else
                {
                    _logger.LogWarning("{RequestId} {Message}: {Body}", requestId ?? "-", message, System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 512))));
                }
                return new LambdaResult(LambdaOutcome.Failed, status, body, null, message);
            }
            if (response.Headers.TryGetValues("X-Amz-Function-Error", out var errors))
            {
                return new LambdaResult(LambdaOutcome.FunctionError, status, body, errors.FirstOrDefault() ?? "Unhandled", null);
            }
            return new LambdaResult(LambdaOutcome.Ok, status, body, null, null);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new LambdaResult(LambdaOutcome.Timeout, 0, [], null, $"'{function}' did not answer within {timeout.TotalMilliseconds} ms");
        }
        catch (HttpRequestException e)
        {
            _logger.LogWarning("{RequestId} invoking '{Function}' at {Endpoint} failed: {Message}", requestId ?? "-", function, endpoint, e.Message);
            return new LambdaResult(LambdaOutcome.Failed, 0, [], null, e.Message);
        }
        finally
        {
            slot.Dispose();
        }
    }

    /// <summary>Logs throttled calls at most once a second, with how many there were since the last line.</summary>
    private void ReportThrottled(string function, string message)
    {
        _throttled.Add();
        if (_throttled.TakeIfDue(_time) is > 0 and var count)
        {
            _logger.LogWarning("{Count} Lambda call(s) throttled since the last report (429, answered 500); the latest: '{Function}': {Message}.",
                count, function, message);
        }
    }

    /// <summary>
    /// The largest answer read back from the Invoke API: 10 MB, API Gateway's payload limit (Lambda
    /// itself answers at most 6 MB). A larger one fails the call rather than filling memory.
    /// </summary>
    public const int MaxResponseBytes = 10 * 1024 * 1024;

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new HttpRequestException($"the Lambda answer is larger than {MaxResponseBytes} bytes");
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    throw new HttpRequestException($"the Lambda answer is larger than {MaxResponseBytes} bytes");
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    public void Dispose()
    {
        _http.Dispose();
        _concurrency.Dispose();
    }
}
