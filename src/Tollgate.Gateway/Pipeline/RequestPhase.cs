using Tollgate.Gateway.Model;
using Tollgate.Gateway.Paths;

namespace Tollgate.Gateway.Pipeline;

/// <summary>One step of the request phase: what runs on every request before a method is known.</summary>
internal interface IRequestStep
{
    ValueTask<StepResult> InvokeAsync(RequestContext context);
}

/// <summary>
/// The rows of the request phase, in the order they run. The listener's web ACL comes first and
/// the load balancer's rules after it (both in front of <see cref="Route"/>); the method phase
/// (<see cref="Config.PolicyOrder"/>) follows the last row.
/// </summary>
internal enum RequestStage
{
    /// <summary>The raw path is normalised (dot-segments, encoding) or refused with 400.</summary>
    Path,

    /// <summary>Host and path find the API stage (custom domain and base path, execute-api host, stage name).</summary>
    Route,

    /// <summary>The stage's routes find the method, or none.</summary>
    Match,

    /// <summary>HTTP APIs' CORS: a preflight no route takes is answered; every response gets the CORS headers.</summary>
    Cors,

    /// <summary>A request no route took ends here, in its API's way (403 or 404).</summary>
    Unmatched,

    /// <summary>A declared body larger than the limit is refused with 413 before anything reads it.</summary>
    BodySize,
}

/// <summary>One row of the request phase table.</summary>
internal sealed record RequestRow(RequestStage Stage, IRequestStep Step);

/// <summary>
/// The request phase (DESIGN.md, principle 3): the one table of what every request goes through
/// before its method's policies. Each step answers Continue, Fail or Handled; the handler runs
/// the rows top to bottom and stops at the first that does not continue. A feature that applies to
/// every request (a listener's web ACL, the load balancer's rules) adds its row here.
/// </summary>
internal static class RequestPhase
{
    public static readonly RequestRow[] Rows =
    [
        new(RequestStage.Path, new NormalizePath()),
        new(RequestStage.Route, new RouteToStage()),
        new(RequestStage.Match, new MatchMethod()),
        new(RequestStage.Cors, new ApplyCors()),
        new(RequestStage.Unmatched, new RefuseUnmatched()),
        new(RequestStage.BodySize, new CheckBodySize()),
    ];

    private sealed class NormalizePath : IRequestStep
    {
        private static readonly GatewayError BadPath = GatewayError.Of(GatewayResponseType.DEFAULT_4XX);

        public ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            if (!RequestPath.TryNormalize(context.RawPath, out var path, out var problem))
            {
                context.IntegrationError = problem;
                return ValueTask.FromResult(StepResult.Fail(BadPath));
            }
            context.Path = path;
            return default;
        }
    }

    private sealed class RouteToStage : IRequestStep
    {
        private static readonly GatewayError NoStage = GatewayError.Of(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN);

        public ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            var host = context.Http.Request.Host.Host;
            var router = context.Router!;
            if (!router.TryRoute(host, context.Path, out var route))
            {
                // An API's own host with no stage to match answers in that API's way (HTTP APIs: 404).
                if (router.ExecuteApiHost(host) is { } api)
                {
                    context.Api = api;
                    api.Profile.MarkResponse(context);
                    return ValueTask.FromResult(StepResult.Fail(api.Profile.UnknownRoute));
                }
                return ValueTask.FromResult(StepResult.Fail(NoStage));
            }
            context.Stage = route.Stage;
            context.Api = route.Stage.Api;
            context.DomainName = route.DomainName;
            context.ResourceRelativePath = route.RelativePath;
            context.Api.Profile.MarkResponse(context);
            context.Observe(route.Stage);
            return default;
        }
    }

    private sealed class MatchMethod : IRequestStep
    {
        public ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            var method = context.Api!.Routes.Match(context.ResourceRelativePath, context.HttpMethod, out var values);
            if (method is not null)
            {
                context.Method = method;
                context.PathParameterRawValues = values;
            }
            return default;
        }
    }

    private sealed class ApplyCors : IRequestStep
    {
        public ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            if (context.Api!.Cors is not { } cors)
            {
                return default;
            }
            if (context.Method is null && cors.TryAnswerPreflight(context.Http))
            {
                return ValueTask.FromResult(StepResult.Handled);
            }
            context.AddResponseStep(cors);
            return default;
        }
    }

    private sealed class RefuseUnmatched : IRequestStep
    {
        public ValueTask<StepResult> InvokeAsync(RequestContext context) =>
            context.Method is null ? ValueTask.FromResult(StepResult.Fail(context.Api!.Profile.UnknownRoute)) : default;
    }

    private sealed class CheckBodySize : IRequestStep
    {
        public ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            var limit = context.Api!.MaxRequestBodyBytes;
            return context.Http.Request.ContentLength > limit
                ? ValueTask.FromResult(StepResult.Fail(GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, $"HTTP content length exceeded {limit} bytes")))
                : default;
        }
    }
}
