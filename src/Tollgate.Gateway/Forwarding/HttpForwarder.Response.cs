using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Tollgate.Gateway.Forwarding;

/// <summary>What comes back: the backend's head onto the client's response, the body streamed or read whole for a transform, an upgraded connection tunnelled.</summary>
internal sealed partial class HttpForwarder
{
    /// <summary>The response for a transform that reads the body: read whole (bounded), transformed, then sent.</summary>
    private async ValueTask<ForwardResult> ForwardBufferedAsync(HttpContext http, UpstreamResponse response, IForwardTransform transform, object? state, ExchangeCancellation.Lease cancel, long latency)
    {
        var head = new ForwardResult(ForwarderError.None, response.StatusCode, latency);
        byte[] body;
        try
        {
            var stream = response.Body;
            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await cancel.ReadAsync(stream, chunk.AsMemory())) > 0)
                {
                    if (buffer.Length + read > IForwardTransform.MaxBufferedBodyBytes)
                    {
                        http.Response.Clear();
                        return head with { Error = ForwarderError.ResponseBodyTooLarge, Detail = $"the integration response is larger than {IForwardTransform.MaxBufferedBodyBytes} bytes" };
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            body = buffer.ToArray();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            // Nothing has been sent yet: the client gets the timeout's own answer.
            Interlocked.Increment(ref _bodyIdleTimeouts);
            http.Response.Clear();
            return head with { Error = ForwarderError.ResponseBodyTimedOut, Detail = "Endpoint response body timed out" };
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
            http.Response.Clear();
            return head with { Error = ForwarderError.ResponseBodyFailed, Detail = e.Message };
        }
        transform.OnResponse(state, response, latency, http.Response, body);
        http.Response.Headers.Remove("Transfer-Encoding");
        if (http.Response.StatusCode is 204 or 304)
        {
            return head;
        }
        http.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
        return head;
    }

    /// <summary>
    /// The backend's head onto the client's response: hop-by-hop fields dropped, the ones API
    /// Gateway remaps renamed <c>x-amzn-Remapped-*</c>, repeated fields kept as repeated lines.
    /// <paramref name="restRules"/>: REST APIs' table for HTTP_PROXY
    /// (<see cref="HeaderRules.IntegrationResponse"/>); otherwise HTTP APIs' rules.
    /// </summary>
    internal static void CopyResponseHead(UpstreamResponse response, HttpResponse outbound, bool restRules = false)
    {
        outbound.StatusCode = response.StatusCode;
        var headers = outbound.Headers;
        var switching = response.StatusCode == StatusCodes.Status101SwitchingProtocols;
        var fields = response.Headers;
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, value) = fields[i];
            string target;
            if (switching && string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase))
            {
                // A tunnelled upgrade: the server writes Connection itself.
                continue;
            }
            if (switching && string.Equals(name, "Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                target = name;
            }
            else if (restRules)
            {
                var action = HeaderRules.IntegrationResponse(name, HeaderTarget.HttpProxy);
                if (action == HeaderAction.Drop)
                {
                    continue;
                }
                target = action == HeaderAction.Remap ? HeaderRules.RemappedName(name) : name;
            }
            else
            {
                if (HeaderRules.IsHopByHop(name))
                {
                    continue;
                }
                target = HeaderRules.ResponseName(name);
            }
            if (SeenBefore(fields, i, name))
            {
                headers.Append(target, value);
            }
            else
            {
                headers[target] = value;
            }
        }
    }

    private static bool SeenBefore(IReadOnlyList<KeyValuePair<string, string>> fields, int index, string name)
    {
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(fields[j].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private async Task TunnelAsync(IHttpUpgradeFeature upgrade, UpstreamResponse response, string requestId, CancellationToken aborted)
    {
        await using var upstream = response.Body;
        await using var client = await upgrade.UpgradeAsync();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var toUpstream = PumpAsync(client, upstream, done.Token);
        var toClient = PumpAsync(upstream, client, done.Token);
        await Task.WhenAny(toUpstream, toClient);
        await done.CancelAsync();
        try
        {
            await Task.WhenAll(toUpstream, toClient);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "{RequestId} upgraded connection closed.", requestId);
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancel)
    {
        await CopyAsync(from, to, cancel);
        // Half-close is not available on every stream; ending the other direction is the signal.
    }

    /// <summary>The answer's body to the client: each read bounded by the idle timeout, each write only by the client.</summary>
    private static async Task CopyBodyAsync(Stream from, Stream to, ExchangeCancellation.Lease cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await cancel.ReadAsync(from, buffer.AsMemory())) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancel.Token);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(), cancel)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancel);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
