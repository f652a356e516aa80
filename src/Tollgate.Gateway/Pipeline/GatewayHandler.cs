using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Paths;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// The gateway's one request handler: route by host and path to an API stage and method, run the
/// method's policy chain, then its integration. Any failure becomes a gateway response rendered
/// by the API's renderer; nothing escapes as a 500 page or a crash.
/// </summary>
internal sealed class GatewayHandler(SnapshotHolder snapshots, TimeProvider time, Observability.GatewayMetrics metrics, ILogger<GatewayHandler> logger)
{
    private static readonly GatewayError BadPath = GatewayError.Of(GatewayResponseType.DEFAULT_4XX);

    private static readonly GatewayError NotFound = GatewayError.Of(GatewayResponseType.RESOURCE_NOT_FOUND, "Not Found", 404);

    public async Task HandleAsync(HttpContext http)
    {
        var snapshot = snapshots.Current;
        var context = new RequestContext(http, RequestIds.New(), time.GetUtcNow(), time.GetTimestamp())
        {
            AccountId = snapshot.Config.AccountId,
        };
        MarkResponse(context);
        try
        {
            var error = await RunAsync(snapshot, context, metrics.Enabled);
            if (error is not null)
            {
                await FailAsync(context, error);
            }
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "{RequestId} {Method} {Path}: unexpected failure.", context.RequestId, http.Request.Method, http.Request.Path);
            if (http.Response.HasStarted)
            {
                http.Abort();
                return;
            }
            http.Response.Clear();
            MarkResponse(context);
            await FailAsync(context, GatewayError.Of(GatewayResponseType.DEFAULT_5XX));
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "{RequestId} ended by the client.", context.RequestId);
        }
        finally
        {
            if (context.Stage is { } stage && (stage.AccessLog is not null || context.Activity is not null || metrics.Enabled))
            {
                await CompleteAsync(context, stage);
            }
        }
    }

    /// <summary>
    /// The headers every REST API response carries: <c>x-amzn-RequestId</c> and <c>x-amz-apigw-id</c>
    /// (HTTP APIs swap them for <c>apigw-requestid</c>, <see cref="HttpApiRequests.Begin"/>).
    /// </summary>
    private static void MarkResponse(RequestContext context)
    {
        var headers = context.Http.Response.Headers;
        headers["x-amzn-RequestId"] = context.RequestId;
        headers["x-amz-apigw-id"] = context.ExtendedRequestId;
    }

    /// <summary>
    /// The completion point: the response is written, so its status, length and latency are known.
    /// Only a stage with an access log, a span or metrics read pays for this; an access-log line
    /// is queued, never waited for.
    /// </summary>
    private async Task CompleteAsync(RequestContext context, CompiledStage stage)
    {
        var response = context.Http.Response;
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
        var status = response.StatusCode;
        var latency = time.GetElapsedTime(context.StartTimestamp).TotalMilliseconds;
        context.Status = status;
        context.ResponseLength = context.ResponseBody?.Count ?? response.ContentLength;
        context.ResponseLatencyMs = (long)latency;
        stage.AccessLog?.Write(context);
        if (metrics.Enabled)
        {
            metrics.Record(context, stage, status, latency);
        }
        if (context.Activity is { } activity)
        {
            Observability.Tracing.Complete(activity, context, status);
        }
    }

    private static async ValueTask<GatewayError?> RunAsync(GatewaySnapshot snapshot, RequestContext context, bool metricsRead)
    {
        var http = context.Http;
        if (!RequestPath.TryNormalize(context.RawPath, out var path, out var problem))
        {
            context.IntegrationError = problem;
            return BadPath;
        }
        context.Path = path;
        if (!snapshot.Router.TryRoute(http.Request.Host.Host, path, out var route))
        {
            // An HTTP API's own host with no stage to match: AWS answers its 404 (HttpApiErrors).
            if (snapshot.Router.ExecuteApiHost(http.Request.Host.Host) is { Model.Protocol: ApiProtocol.Http })
            {
                HttpApiRequests.Begin(context, null);
                context.Error = NotFound;
                await HttpApiErrors.WriteAsync(context);
                return null;
            }
            return GatewayError.Of(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN);
        }
        context.Stage = route.Stage;
        if (route.Stage.TracingEnabled)
        {
            context.Activity = Observability.Tracing.StartServer(context, route.Stage);
        }
        if (route.Stage.AccessLog is not null)
        {
            context.ResponseBody = Observability.CountingResponseBody.Install(http);
        }
        context.DomainName = route.DomainName;
        context.ResourceRelativePath = route.RelativePath;
        var api = route.Stage.Api;

        var method = api.Routes.Match(route.RelativePath, http.Request.Method, out var values);
        if (api.Model.Protocol == ApiProtocol.Http && HttpApiRequests.Begin(context, method))
        {
            return null;
        }
        if (method is null)
        {
            return api.Model.Protocol == ApiProtocol.Http ? NotFound : GatewayError.Of(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN);
        }
        context.Method = method;
        context.PathParameterRawValues = values;
        if (context.Activity is { } activity)
        {
            Observability.Tracing.Routed(activity, method);
        }
        if (metricsRead && http.Features.Get<IHttpMetricsTagsFeature>() is { } metricsTags)
        {
            // ASP.NET Core's http.server.request.duration, with the route template as the
            // semantic conventions ask (never the raw path).
            metricsTags.Tags.Add(new("http.route", method.ResourcePath));
        }

        if (http.Request.ContentLength > api.MaxRequestBodyBytes)
        {
            return GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, $"HTTP content length exceeded {api.MaxRequestBodyBytes} bytes");
        }

        foreach (var policy in method.Policies)
        {
            if (await policy.InvokeAsync(context) is { } refused)
            {
                return refused;
            }
        }
        return await method.Integration.InvokeAsync(context);
    }

    private static Task FailAsync(RequestContext context, GatewayError error)
    {
        if (context.Http.Response.HasStarted)
        {
            context.Http.Abort();
            return Task.CompletedTask;
        }
        context.Error = error;
        var renderer = context.Stage?.Api.Responses ?? GatewayResponseRenderer.Default;
        return renderer.WriteAsync(context);
    }
}
