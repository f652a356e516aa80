
namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// How a request ended, recorded in one place (<see cref="Hosting.GatewayHandler"/>'s completion point)
/// for every request, and read by access logs, metrics, traces and templates alike.
/// </summary>
internal sealed partial class RequestContext
{
    /// <summary>The API the request reached, once routing found it (also when no stage or route of it matched).</summary>
    public CompiledApi? Api { get; set; }

    /// <summary>The routing tables of the snapshot serving this request (set by the handler; tests of single steps may leave it out).</summary>
    public IStageRouter? Router { get; init; }

    /// <summary>The response steps registered so far; null while there are none.</summary>
    public ResponsePhase? ResponseSteps { get; private set; }

    /// <summary>Registers a step of the response phase (<see cref="IResponseStep"/>).</summary>
    public void AddResponseStep(IResponseStep step) => (ResponseSteps ??= ResponsePhase.Begin(this)).Add(step);

    /// <summary>
    /// Bytes of request body received: the declared length, or what was read when a stage had to
    /// read the body; null when the body streamed to the backend without a declared length.
    /// </summary>
    public long? RequestLength { get; set; }

    /// <summary>The client went away before the response was complete.</summary>
    public bool ClientAborted { get; set; }

    /// <summary>The response had started when the request failed, so the connection was cut instead of answered.</summary>
    public bool ResponseCut { get; set; }

    /// <summary>Whether the request ended complete: true once the completion point has run.</summary>
    public bool Completed { get; private set; }

    /// <summary>
    /// Ends a response that has already started and can no longer carry an error: the client
    /// sees the connection (or HTTP/2 stream) reset, never a truncated body that looks whole.
    /// </summary>
    public void CutResponse()
    {
        ResponseCut = true;
        Http.Abort();
    }

    /// <summary>Turns on what the stage observes (its span, its access log's byte count) once routing found it.</summary>
    public void Observe(CompiledStage stage)
    {
        if (stage.TracingEnabled)
        {
            Activity = Observability.Tracing.StartServer(this, stage);
        }
        if (stage.AccessLog is not null)
        {
            ResponseBody = Observability.CountingResponseBody.Install(Http);
        }
    }

    /// <summary>Records the outcome; called once, by the completion point.</summary>
    internal void Complete(long latencyMs)
    {
        var response = Http.Response;
        Status = response.StatusCode;
        ResponseLength = ResponseBody?.Count ?? response.ContentLength;
        ResponseLatencyMs = latencyMs;
        RequestLength = Http.Request.ContentLength ?? Body?.Length;
        ClientAborted = Http.RequestAborted.IsCancellationRequested;
        Completed = true;
    }
}
