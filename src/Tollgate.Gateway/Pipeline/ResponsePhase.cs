using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// A step of the response phase: it sees (and may change) the status and headers of whatever
/// response the request gets (an integration's, a proxied backend's or a gateway response) just
/// before they are sent. Steps register while the request is served
/// (<see cref="RequestContext.AddResponseStep"/>) and run in the order they registered, which is
/// the order of the phase tables.
/// </summary>
internal interface IResponseStep
{
    void OnResponseStarting(RequestContext context);
}

/// <summary>The response steps of one request; the server calls them once, when the response starts.</summary>
internal sealed class ResponsePhase
{
    private static readonly Func<object, Task> RunSteps = static state =>
    {
        var context = (RequestContext)state;
        var phase = context.ResponseSteps!;
        for (var i = 0; i < phase._count; i++)
        {
            phase._steps[i].OnResponseStarting(context);
        }
        return Task.CompletedTask;
    };

    // A request has at most a few response steps: a small array, grown if ever needed.
    private IResponseStep[] _steps = new IResponseStep[2];
    private int _count;

    /// <summary>Registers the phase with the server for <paramref name="context"/>'s response.</summary>
    public static ResponsePhase Begin(RequestContext context)
    {
        var phase = new ResponsePhase();
        context.Http.Response.OnStarting(RunSteps, context);
        return phase;
    }

    public void Add(IResponseStep step)
    {
        if (_count == _steps.Length)
        {
            Array.Resize(ref _steps, _count * 2);
        }
        _steps[_count++] = step;
    }
}

/// <summary>
/// An API's CORS configuration as the request phase uses it (<c>Policies.Cors.CorsRules</c> is the
/// one): it answers a preflight no route takes, and as a response step puts the CORS headers on
/// every other response.
/// </summary>
internal interface ICorsRules : IResponseStep
{
    /// <summary>Answers a CORS preflight request; false when the request is not one (then nothing was written).</summary>
    bool TryAnswerPreflight(HttpContext http);
}
