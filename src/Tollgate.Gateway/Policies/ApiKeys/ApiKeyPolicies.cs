using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Throttling;

namespace Tollgate.Gateway.Policies.ApiKeys;

/// <summary>The API key row of <see cref="Config.PolicyOrder"/>.</summary>
internal static class ApiKeyPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c)
    {
        if (!c.Method.ApiKeyRequired)
        {
            return null;
        }
        var fromAuthorizer = c.Api.ApiKeySource == ApiKeySource.Authorizer;
        if (fromAuthorizer && !string.Equals(c.Method.AuthorizationType, "CUSTOM", StringComparison.OrdinalIgnoreCase))
        {
            c.Diagnostics.Warning(c.Location,
                "requires an API key from the authorizer (API key source AUTHORIZER) but has no Lambda authorizer; every request answers 403 Forbidden.");
        }
        return new ApiKeyPolicy(fromAuthorizer, c.LoggerFactory.CreateLogger("Tollgate.ApiKeys"), c.Location);
    }
}

/// <summary>
/// Checks the API key of a method that requires one: from the <c>x-api-key</c> header (key source
/// <c>HEADER</c>) or from the authorizer's <c>usageIdentifierKey</c> (<c>AUTHORIZER</c>). A key that
/// is missing, unknown, disabled or in no usage plan of the stage gets 403 <c>{"message":"Forbidden"}</c>
/// (<c>INVALID_API_KEY</c>), as in API Gateway, which does not say which. An accepted key sets
/// <c>$context.identity.apiKey</c>, <c>apiKeyId</c> and the plan that throttling applies. The keys
/// and plans are the request's stage's (<see cref="BoundUsage"/>, bound with the snapshot
/// in use), so a reload that changes only keys or plans leaves compiled methods as they are.
/// </summary>
internal sealed class ApiKeyPolicy(
    bool fromAuthorizer,
    ILogger logger,
    string location) : IRequestPolicy
{
    /// <summary>The header API Gateway reads keys from (key source <c>HEADER</c>).</summary>
    public const string HeaderName = "x-api-key";

    private static readonly GatewayError Forbidden = GatewayError.Of(GatewayResponseType.INVALID_API_KEY);

    public ValueTask<StepResult> InvokeAsync(RequestContext context)
    {
        string? value = fromAuthorizer ? context.UsageIdentifierKey : HeaderValue(context);
        if (context.Stage is not { } served || BoundUsage.Of(served)?.Usage is not { } stage)
        {
            return ValueTask.FromResult<StepResult>(Forbidden);
        }
        var check = stage.Keys.Check(stage, value);
        if (!check.Accepted)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                // A prefix at most: key values never reach a log.
                logger.LogDebug("{RequestId} {Location}: API key {Key} refused: {Reason}.",
                    context.RequestId, location, ApiKeyRedaction.Prefix(value), check.Outcome);
            }
            return ValueTask.FromResult<StepResult>(Forbidden);
        }
        context.ApiKey = value;
        context.ApiKeyId = check.Key!.Id;
        context.UsagePlan = check.Plan;
        return default;
    }

    private static string? HeaderValue(RequestContext context)
    {
        var values = context.Http.Request.Headers[HeaderName];
        // A repeated header is not a key API Gateway would accept; Check refuses the joined value.
        return values.Count == 0 ? null : values.ToString();
    }
}
