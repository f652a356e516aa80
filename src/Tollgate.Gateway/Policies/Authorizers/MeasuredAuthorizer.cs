using System.Diagnostics;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>
/// Wraps a method's authorizer policy, whatever its kind, to record what API Gateway reports of
/// it: <c>$context.authorizer.latency</c> (ms) and <c>$context.authorizer.status</c> (200 when it
/// let the caller in, else the status of its refusal), and, when the request is traced, a child
/// span <c>authorizer {name}</c> with its outcome. Two clock reads a request; no allocation when
/// the authorizer answers at once and the request is not traced.
/// </summary>
internal sealed class MeasuredAuthorizer(IAuthorizer inner, string name, TimeProvider time) : IRequestPolicy
{
    private readonly string _spanName = "authorizer " + name;

    /// <summary>The row of <see cref="Config.PolicyOrder"/>: the authorizer of the method, measured.</summary>
    public static IRequestPolicy? Create(MethodCompilation c) =>
        AuthorizerPolicies.Create(c) is { } policy
            ? new MeasuredAuthorizer(policy, c.Method.AuthorizerId ?? c.Method.AuthorizationType, c.Services.Time)
            : null;

    public ValueTask<StepResult> InvokeAsync(RequestContext context)
    {
        var caller = Activity.Current;
        var span = Observability.Tracing.StartClient(_spanName);
        var started = time.GetTimestamp();
        ValueTask<GatewayError?> pending;
        try
        {
            pending = inner.InvokeAsync(context);
        }
        catch (Exception e)
        {
            Observability.Tracing.End(span, e.GetType().Name);
            throw;
        }
        finally
        {
            // This method is not async: the span made current above would otherwise stay current
            // for the caller, and the steps after the authorizer would become its children.
            if (span is not null)
            {
                Activity.Current = caller;
            }
        }
        if (pending.IsCompletedSuccessfully)
        {
            var error = pending.Result;
            Done(context, started, error, span);
            return ValueTask.FromResult<StepResult>(error);
        }
        return AwaitAsync(pending, context, started, span);
    }

    private async ValueTask<StepResult> AwaitAsync(ValueTask<GatewayError?> pending, RequestContext context, long started, Activity? span)
    {
        GatewayError? error;
        try
        {
            error = await pending;
        }
        catch (Exception e)
        {
            Observability.Tracing.End(span, e.GetType().Name);
            throw;
        }
        Done(context, started, error, span);
        return error;
    }

    private void Done(RequestContext context, long started, GatewayError? error, Activity? span)
    {
        context.AuthorizerLatencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var status = error is null ? 200 : error.StatusCode ?? GatewayResponseCatalog.Get(error.Type).StatusCode;
        context.AuthorizerStatus = status;
        if (span is not null)
        {
            span.SetTag("aws.api_gateway.authorizer.status", status);
            Observability.Tracing.End(span, error is null ? null : error.Type.ToString());
        }
    }
}
