using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// Spans of the gateway: one server span per request of a stage with <c>tracingEnabled</c>, and
/// child spans (<see cref="StartClient"/>) for authorizers, Lambda invocations and upstream calls.
/// A span is made only while an OpenTelemetry tracer listens (<c>telemetry.otlpEndpoint</c>);
/// otherwise <see cref="StartServer"/> is one check and nothing else, and no header is touched.
/// The trace continues a caller's: W3C <c>traceparent</c>/<c>tracestate</c>, else AWS's
/// <c>X-Amzn-Trace-Id</c> (<c>Root=1-{8 hex}-{24 hex};Parent={16 hex};Sampled=0|1</c>, whose
/// 32 hex digits are the W3C trace id). Integrations receive both headers, naming the span that
/// called them (<see cref="Inject"/>).
/// </summary>
internal static class Tracing
{
    /// <summary>The source the tracer subscribes to.</summary>
    public const string SourceName = "Tollgate";

    public static readonly ActivitySource Source = new(SourceName, typeof(Tracing).Assembly.GetName().Version?.ToString());

    /// <summary>The header AWS services use for X-Ray trace context.</summary>
    public const string XrayHeader = "X-Amzn-Trace-Id";

    /// <summary>
    /// Decides, for a caller's <c>X-Amzn-Trace-Id</c> with no (or a deferred, <c>?</c>) sampling
    /// decision, whether to record the trace; set from <c>telemetry.samplingRatio</c>.
    /// </summary>
    internal static Func<ActivityTraceId, bool> SampleDeferred { get; set; } = static _ => true;

    /// <summary>Starts the server span of a request of <paramref name="stage"/>, or null when nothing listens.</summary>
    public static Activity? StartServer(RequestContext context, CompiledStage stage)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var request = context.Http.Request;
        var parent = ParentOf(request.Headers);
        var activity = Source.StartActivity(request.Method, ActivityKind.Server, parent);
        if (activity is null)
        {
            return null;
        }
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.scheme", request.Scheme);
            activity.SetTag("url.path", context.Path);
            activity.SetTag("client.address", context.SourceIp);
            activity.SetTag("aws.api_gateway.api_id", stage.Api.Id);
            activity.SetTag("aws.api_gateway.stage", stage.StageName);
            activity.SetTag("aws.request_id", context.RequestId);
        }
        return activity;
    }

    /// <summary>Names the server span after the matched method: <c>GET /pets/{petId}</c>, as the semantic conventions ask.</summary>
    public static void Routed(Activity activity, CompiledMethod method)
    {
        activity.DisplayName = method.Model.HttpMethod == "ANY" || method.ResourcePath == "$default"
            ? activity.DisplayName
            : method.Model.HttpMethod + " " + method.ResourcePath;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.route", method.ResourcePath);
        }
    }

    /// <summary>Ends the server span with the status sent.</summary>
    public static void Complete(Activity activity, RequestContext context, int status)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.response.status_code", Boxed(status));
            if (context.Error is { } error)
            {
                activity.SetTag("aws.api_gateway.error.response_type", error.Type.ToString());
            }
            if (status >= 500)
            {
                activity.SetTag("error.type", status.ToString(CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
        activity.Stop();
    }

    /// <summary>
    /// Starts a child span of the request's span (<see cref="Activity.Current"/>), or null when the
    /// request has none: an authorizer, a Lambda invocation, an upstream call.
    /// </summary>
    public static Activity? StartClient(string name)
    {
        if (Activity.Current is not { Source.Name: SourceName })
        {
            return null;
        }
        return Source.StartActivity(name, ActivityKind.Client);
    }

    /// <summary>Ends a child span; <paramref name="failure"/> marks it failed and says why.</summary>
    public static void End(Activity? activity, string? failure)
    {
        if (activity is null)
        {
            return;
        }
        if (failure is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, failure);
        }
        activity.Stop();
    }

    /// <summary>
    /// The trace headers for a call made on behalf of <paramref name="activity"/>: <c>traceparent</c>,
    /// <c>tracestate</c> (when the trace has one) and <c>X-Amzn-Trace-Id</c>, each passed to <paramref name="set"/>.
    /// </summary>
    public static void Inject(Activity activity, Action<string, string> set)
    {
        var traceId = activity.TraceId.ToHexString();
        var spanId = activity.SpanId.ToHexString();
        var sampled = activity.Recorded;
        set("traceparent", string.Concat("00-", traceId, "-", spanId, sampled ? "-01" : "-00"));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            set("tracestate", activity.TraceStateString);
        }
        set(XrayHeader, XrayHeaderValue(activity));
    }

    /// <summary>The <c>X-Amzn-Trace-Id</c> naming <paramref name="activity"/>: <c>Root=1-...;Parent={span};Sampled=0|1</c>, one string made.</summary>
    public static string XrayHeaderValue(Activity activity)
    {
        var trace = activity.TraceId.ToHexString();
        var span = activity.SpanId.ToHexString();
        // Root=1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy;Parent=zzzzzzzzzzzzzzzz;Sampled=1
        return string.Create(7 + 8 + 1 + 24 + 8 + 16 + 10, (trace, span, activity.Recorded), static (chars, state) =>
        {
            "Root=1-".CopyTo(chars);
            state.trace.AsSpan(0, 8).CopyTo(chars[7..]);
            chars[15] = '-';
            state.trace.AsSpan(8).CopyTo(chars[16..]);
            ";Parent=".CopyTo(chars[40..]);
            state.span.CopyTo(chars[48..]);
            (state.Recorded ? ";Sampled=1" : ";Sampled=0").CopyTo(chars[64..]);
        });
    }

    /// <summary>Boxed status codes and ports, so that a span's integer attributes allocate nothing.</summary>
    internal static object Boxed(int value) => (uint)value < (uint)BoxedInts.Length ? BoxedInts[value] : value;

    private static readonly object[] BoxedInts = [.. Enumerable.Range(0, 1024).Select(i => (object)i)];

    /// <summary>A W3C trace id in X-Ray's form: <c>1-{first 8 hex}-{last 24 hex}</c> (<c>$context.xrayTraceId</c>).</summary>
    public static string XrayTraceId(ActivityTraceId traceId)
    {
        var hex = traceId.ToHexString();
        return string.Concat("1-", hex.AsSpan(0, 8), "-", hex.AsSpan(8));
    }

    /// <summary>The caller's trace context: <c>traceparent</c> first, else <c>X-Amzn-Trace-Id</c>; default when neither parses.</summary>
    internal static ActivityContext ParentOf(IHeaderDictionary headers)
    {
        if (headers.TryGetValue("traceparent", out var traceparent) && traceparent.Count == 1 &&
            ActivityContext.TryParse(traceparent[0], headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, isRemote: true, out var w3c))
        {
            return w3c;
        }
        if (headers.TryGetValue(XrayHeader, out var xray) && xray.Count == 1 && TryParseXray(xray[0], out var parsed))
        {
            return parsed;
        }
        return default;
    }

    /// <summary>
    /// Parses <c>Root=1-{8 hex}-{24 hex};Parent={16 hex};Sampled=0|1|?</c> (fields in any order,
    /// others ignored). Without <c>Parent</c> (a load balancer starts traces so) the span still joins
    /// the trace, under a parent id made from the root; without a sampling decision the gateway
    /// makes one (<see cref="SampleDeferred"/>).
    /// </summary>
    internal static bool TryParseXray(string? value, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrEmpty(value) || value.Length > 256)
        {
            return false;
        }
        if (!Pipeline.TraceIds.TryReadFields(value, out var root, out var parent, out var sampled))
        {
            return false;
        }
        Span<char> hex = stackalloc char[32];
        root.Slice(2, 8).CopyTo(hex);
        root.Slice(11, 24).CopyTo(hex[8..]);
        if (!IsLowerHex(hex) || hex.IndexOfAnyExcept('0') < 0)
        {
            return false;
        }
        var traceId = ActivityTraceId.CreateFromString(hex);
        ActivitySpanId spanId;
        if (parent.Length == 16 && IsLowerHex(parent) && parent.IndexOfAnyExcept('0') >= 0)
        {
            spanId = ActivitySpanId.CreateFromString(parent);
        }
        else if (parent.IsEmpty)
        {
            spanId = ActivitySpanId.CreateFromString(hex[16..]);
        }
        else
        {
            return false;
        }
        var recorded = sampled switch
        {
            "1" => true,
            "0" => false,
            _ => SampleDeferred(traceId),
        };
        context = new ActivityContext(traceId, spanId, recorded ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
