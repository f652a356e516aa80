using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>Which event a Lambda authorizer gets, and how its answer is read.</summary>
internal enum LambdaAuthorizerFormat
{
    /// <summary>REST <c>TOKEN</c>: <c>{type, authorizationToken, methodArn}</c>.</summary>
    Token,

    /// <summary>REST <c>REQUEST</c>.</summary>
    Request,

    /// <summary>HTTP API, <c>authorizerPayloadFormatVersion</c> 1.0: the REST REQUEST event with <c>version</c> and <c>identitySource</c>.</summary>
    HttpApiV1,

    /// <summary>HTTP API, <c>authorizerPayloadFormatVersion</c> 2.0.</summary>
    HttpApiV2,
}

/// <summary>What a compiled Lambda authorizer needs besides its identity sources.</summary>
internal sealed record LambdaAuthorizerSettings
{
    public required string Name { get; init; }
    public required LambdaAuthorizerFormat Format { get; init; }

    /// <summary>HTTP APIs, format 2.0: the function answers <c>{isAuthorized, context}</c>.</summary>
    public bool SimpleResponses { get; init; }
    public required string Function { get; init; }
    /// <summary>The Invoke API endpoint; null when none is configured (every call answers 500 AUTHORIZER_CONFIGURATION_ERROR).</summary>
    public required Uri? Endpoint { get; init; }
    public LambdaCredentials? Credentials { get; init; }
    public required TimeSpan Ttl { get; init; }
    public Regex? ValidationExpression { get; init; }
    public required string CacheScope { get; init; }
    public required TimeSpan Timeout { get; init; }
}

/// <summary>
/// A Lambda authorizer in front of one method or route (REST <c>TOKEN</c> or <c>REQUEST</c>, HTTP
/// API <c>REQUEST</c> with payload 1.0 or 2.0): identity sources checked (401 without a call when
/// one is missing, or when a token fails <c>identityValidationExpression</c>), the cached or freshly
/// returned policy evaluated for <c>execute-api:Invoke</c> on the method (route) ARN, or an HTTP
/// API simple response's <c>isAuthorized</c> taken (403 on deny), and the authorizer's context
/// passed on. A function that fails with <c>Unauthorized</c> gives 401; any other failure (error,
/// timeout, unreachable function, bad output, a call refused by the function's concurrency limit)
/// gives 500 AUTHORIZER_CONFIGURATION_ERROR: REST
/// renders <c>{"message": null}</c>, as API Gateway answers, and HTTP APIs
/// <c>{"message":"Internal Server Error"}</c> (<see cref="Responses.HttpApiErrors"/>).
/// </summary>
internal sealed class LambdaAuthorizerPolicy(
    LambdaAuthorizerSettings settings, IdentitySources sources, AuthorizerRuntime runtime, LambdaClient lambda, AuthorizerResultCache cache, ILogger logger)
    : IAuthorizer
{
    internal static readonly GatewayError Unauthorized = GatewayError.Of(GatewayResponseType.UNAUTHORIZED);
    internal static readonly GatewayError ExplicitDeny = GatewayError.Of(GatewayResponseType.ACCESS_DENIED, "User is not authorized to access this resource with an explicit deny");
    internal static readonly GatewayError ImplicitDeny = GatewayError.Of(GatewayResponseType.ACCESS_DENIED, "User is not authorized to access this resource");
    internal static readonly GatewayError ConfigurationError = GatewayError.Of(GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR, null, "AuthorizerConfigurationException");

    private int _missingLogged;

    public ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        if (!sources.TryGetKey(context, out var identity))
        {
            context.AuthorizerError = "The identity source is missing or empty.";
            return ValueTask.FromResult<GatewayError?>(Unauthorized);
        }
        if (settings.ValidationExpression is { } expression && !Matches(expression, identity))
        {
            context.AuthorizerError = "The token does not match the identity validation expression.";
            return ValueTask.FromResult<GatewayError?>(Unauthorized);
        }
        var methodArn = runtime.MethodArn(context);
        var key = new AuthorizerCacheKey(settings.CacheScope, identity);
        if (settings.Ttl > TimeSpan.Zero && cache.TryGet(key, out var cached))
        {
            return ValueTask.FromResult(Apply(context, cached, methodArn));
        }
        return InvokeAndApplyAsync(context, identity, methodArn, key);
    }

    private async ValueTask<GatewayError?> InvokeAndApplyAsync(RequestContext context, string identity, string methodArn, AuthorizerCacheKey key)
    {
        var payload = settings.Format switch
        {
            LambdaAuthorizerFormat.Token => AuthorizerEvent.Token(identity, methodArn),
            LambdaAuthorizerFormat.HttpApiV2 => HttpApiAuthorizerEvent.V2(context, methodArn, sources.Values(identity)),
            LambdaAuthorizerFormat.HttpApiV1 => AuthorizerEvent.Request(context, methodArn, string.Join(',', sources.Values(identity))),
            _ => AuthorizerEvent.Request(context, methodArn),
        };
        if (settings.Endpoint is not { } endpoint)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
            {
                logger.LogError("authorizer '{Authorizer}': no Lambda endpoint for function '{Function}'; requests it guards answer 500 (logged once).", settings.Name, settings.Function);
            }
            context.AuthorizerError = "no Lambda endpoint";
            return ConfigurationError;
        }
        var result = await lambda.InvokeAsync(endpoint, settings.Function, payload, settings.Timeout, settings.Credentials, context.RequestId, context.Http.RequestAborted);
        switch (result.Outcome)
        {
            case LambdaOutcome.Ok:
                var httpApi = settings.Format is LambdaAuthorizerFormat.HttpApiV1 or LambdaAuthorizerFormat.HttpApiV2;
                var decision = AuthorizerOutput.Read(result.Payload, httpApi, settings.SimpleResponses, out var problem);
                if (decision is null)
                {
                    logger.LogError("{RequestId} authorizer '{Authorizer}': invalid output from '{Function}': {Problem}.", context.RequestId, settings.Name, settings.Function, problem);
                    context.AuthorizerError = "Invalid authorizer output: " + problem;
                    return ConfigurationError;
                }
                if (settings.Ttl > TimeSpan.Zero)
                {
                    cache.Set(key, decision, settings.Ttl);
                }
                return Apply(context, decision, methodArn);
            case LambdaOutcome.FunctionError:
                var message = AuthorizerOutput.ErrorMessage(result.Payload);
                context.AuthorizerError = message;
                if (message == "Unauthorized")
                {
                    return Unauthorized;
                }
                logger.LogError("{RequestId} authorizer '{Authorizer}': '{Function}' failed ({Kind}): {Message}.", context.RequestId, settings.Name, settings.Function, result.FunctionError, message);
                return ConfigurationError;
            default:
                logger.Log(result.Throttled ? LogLevel.Debug : LogLevel.Error,
                    "{RequestId} authorizer '{Authorizer}': {Outcome}: {Message}.", context.RequestId, settings.Name, result.Outcome, result.Message);
                context.AuthorizerError = result.Message ?? result.Outcome.ToString();
                return ConfigurationError;
        }
    }

    private static GatewayError? Apply(RequestContext context, AuthorizerDecision decision, string methodArn)
    {
        // Set for denials too: gateway response templates may read $context.authorizer.*.
        context.Authorizer = decision.Values;
        switch (decision.Decide(methodArn))
        {
            case PolicyDecision.Allow:
                context.UsageIdentifierKey = decision.UsageIdentifierKey;
                return null;
            case PolicyDecision.ExplicitDeny:
                context.AuthorizerError = ExplicitDeny.Message;
                return ExplicitDeny;
            default:
                context.AuthorizerError = ImplicitDeny.Message;
                return ImplicitDeny;
        }
    }

    private static bool Matches(Regex expression, string token)
    {
        try
        {
            return expression.IsMatch(token);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
