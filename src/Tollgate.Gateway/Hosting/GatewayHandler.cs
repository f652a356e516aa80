using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Hosting;

/// <summary>
/// The gateway's one request handler: the request phase (<see cref="RequestPhase"/>: path,
/// routing, CORS, body size), the method phase (<see cref="PolicyOrder"/>), then the integration.
/// Any failure becomes a gateway response rendered by the API's renderer; nothing escapes as a
/// 500 page or a crash. Every request ends in one place, the completion point, which records
/// its outcome on the request context for access logs, metrics and traces.
/// </summary>
internal sealed class GatewayHandler(SnapshotHolder snapshots, TimeProvider time, Observability.GatewayMetrics metrics, ILogger<GatewayHandler> logger)
{
    /// <summary>The request phase this handler runs: <see cref="RequestPhase.Rows"/>; tests put steps of their own in it.</summary>
    internal RequestRow[] RequestRows { get; set; } = RequestPhase.Rows;

    /// <summary>
    /// Called at the completion point of every request, with its outcome recorded. Null (the
    /// default): nothing is called. The seam for what consumes outcomes besides access logs,
    /// metrics and traces.
    /// </summary>
    internal Action<RequestContext>? Completed { get; set; }

    public async Task HandleAsync(HttpContext http)
    {
        var snapshot = snapshots.Current;
        var context = new RequestContext(http, RequestIds.New(), time.GetUtcNow(), time.GetTimestamp())
        {
            AccountId = snapshot.Config.AccountId,
            Router = snapshot.Router,
        };
        try
        {
            var result = await RunAsync(context, RequestRows, metrics.Enabled);
            if (result.Outcome == StepOutcome.Fail)
            {
                await FailAsync(context, result.Error!);
            }
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "{RequestId} {Method} {Path}: unexpected failure.", context.RequestId, http.Request.Method, http.Request.Path);
            if (http.Response.HasStarted)
            {
                context.CutResponse();
            }
            else
            {
                http.Response.Clear();
                (context.Api?.Profile ?? ApiProfile.Rest).MarkResponse(context);
                await FailAsync(context, GatewayError.Of(GatewayResponseType.DEFAULT_5XX));
            }
        }
        catch (Exception e)
        {
            // The client hung up; the completion point records it (ClientAborted).
            logger.LogDebug(e, "{RequestId} ended by the client.", context.RequestId);
        }
        finally
        {
            await CompleteAsync(context);
        }
    }

    /// <summary>
    /// The completion point: every request passes here once its response is written (or cut).
    /// The outcome is recorded on the context for every request; only a stage with an access
    /// log, a span or metrics read pays for more. An access-log line is queued, never waited for.
    /// </summary>
    private async Task CompleteAsync(RequestContext context)
    {
        if (context.ResponseBody is not null)
        {
            try
            {
                await Observability.CountingResponseBody.CompleteAsync(context.Http);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
            {
                logger.LogDebug(e, "{RequestId} response ended early.", context.RequestId);
            }
        }
        var latency = time.GetElapsedTime(context.StartTimestamp).TotalMilliseconds;
        context.Complete((long)latency);
        Completed?.Invoke(context);
        if (context.Stage is not { } stage)
        {
            return;
        }
        stage.AccessLog?.Write(context);
        if (metrics.Enabled)
        {
            metrics.Record(context, stage, context.Status!.Value, latency);
        }
        if (context.Activity is { } activity)
        {
            Observability.Tracing.Complete(activity, context, context.Status!.Value);
        }
    }

    private static async ValueTask<StepResult> RunAsync(RequestContext context, RequestRow[] rows, bool metricsRead)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            var result = await rows[i].Step.InvokeAsync(context);
            if (result.Outcome != StepOutcome.Continue)
            {
                return result;
            }
        }
        var method = context.Method!;
        if (context.Activity is { } activity)
        {
            Observability.Tracing.Routed(activity, method);
        }
        if (metricsRead && context.Http.Features.Get<IHttpMetricsTagsFeature>() is { } metricsTags)
        {
            // ASP.NET Core's http.server.request.duration, with the route template as the
            // semantic conventions ask (never the raw path).
            metricsTags.Tags.Add(new("http.route", method.ResourcePath));
        }

        var policies = method.Policies;
        for (var i = 0; i < policies.Length; i++)
        {
            var result = await policies[i].InvokeAsync(context);
            if (result.Outcome != StepOutcome.Continue)
            {
                return result;
            }
        }
        return await method.Integration.InvokeAsync(context);
    }

    private static Task FailAsync(RequestContext context, GatewayError error)
    {
        if (context.Http.Response.HasStarted)
        {
            context.CutResponse();
            return Task.CompletedTask;
        }
        context.Error = error;
        if (context.Api is null)
        {
            // No API took the request: it answers as a REST API does (routing marks the rest).
            ApiProfile.Rest.MarkResponse(context);
        }
        var renderer = context.Api?.Responses ?? GatewayResponseRenderer.Default;
        return renderer.WriteAsync(context);
    }
}
