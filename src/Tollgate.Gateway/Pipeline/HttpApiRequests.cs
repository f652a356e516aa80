using Tollgate.Gateway.Policies.Cors;

namespace Tollgate.Gateway.Pipeline;

/// <summary>What the handler does differently for HTTP APIs (v2) once routing found the stage.</summary>
internal static class HttpApiRequests
{
    /// <summary>
    /// Marks the response as an HTTP API's (<c>apigw-requestid</c> instead of <c>x-amzn-RequestId</c>)
    /// and applies the API's CORS configuration: a preflight that no route takes is answered here
    /// (true: nothing more to do); any other response gets the CORS headers when it starts.
    /// </summary>
    public static bool Begin(RequestContext context, CompiledMethod? method)
    {
        var headers = context.Http.Response.Headers;
        headers.Remove("x-amzn-RequestId");
        headers.Remove("x-amz-apigw-id");
        headers["apigw-requestid"] = context.RequestId;
        if (context.Stage?.Api.Cors is not { } cors)
        {
            return false;
        }
        if (method is null && cors.TryAnswerPreflight(context.Http))
        {
            return true;
        }
        CorsRules.Attach(context);
        return false;
    }
}
