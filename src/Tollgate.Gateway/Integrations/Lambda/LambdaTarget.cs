using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// The Lambda function of an <c>AWS</c> or <c>AWS_PROXY</c> integration, with its Invoke API
/// endpoint resolved when the config is compiled. A function name with
/// <c>${stageVariables.name}</c> is completed per request from the stage.
/// </summary>
internal sealed class LambdaTarget
{
    private readonly string _function;
    private readonly StageVariableTemplate _template;
    private readonly Uri? _endpoint;
    private readonly string? _missing;
    private int _missingLogged;
    private readonly LambdaSettings _settings;
    private readonly TimeSpan _timeout;
    private readonly LambdaClient _client;
    private readonly TimeProvider _time;
    private readonly string _location;
    private readonly ILogger _logger;

    private LambdaTarget(StageVariableTemplate function, Uri? endpoint, string? missing, LambdaSettings settings, TimeSpan timeout, LambdaClient client, TimeProvider time, string location, ILogger logger)
    {
        _missing = missing;
        _time = time;
        _template = function;
        _function = function.Text;
        _endpoint = endpoint;
        _settings = settings;
        _timeout = timeout;
        _client = client;
        _location = location;
        _logger = logger;
    }

    /// <summary>True when the URI names a Lambda function (as opposed to another AWS service).</summary>
    public static bool IsLambdaUri(string? uri) => LambdaFunctions.TryGetFunction(uri, out _);

    /// <summary>Resolves function and endpoint; null after reporting the problem as a config error naming the method.</summary>
    public static LambdaTarget? Compile(MethodCompilation c, Integration integration, ILogger logger)
    {
        if (!LambdaFunctions.TryGetFunction(integration.Uri, out var function))
        {
            c.Diagnostics.Error(c.Location, $"integration uri '{integration.Uri}' does not name a Lambda function (arn:aws:apigateway:{{region}}:lambda:path/2015-03-31/functions/{{function}}/invocations).");
            return null;
        }
        if (StageVariableTemplate.Parse(function, out var syntax) is not { } template)
        {
            c.Diagnostics.Error(c.Location, $"integration uri '{integration.Uri}': {syntax}.");
            return null;
        }
        var endpoint = LambdaFunctions.Endpoint(c.Config.Lambda, function, out var problem);
        if (endpoint is null && c.Config.Lambda.Endpoint is not null)
        {
            c.Diagnostics.Error(c.Location, problem + "."); // an endpoint given, but not a usable one
            return null;
        }
        if (endpoint is null)
        {
            // An export served on its own: the rest of the API starts; this method answers as AWS
            // does for a function it cannot invoke.
            c.Diagnostics.Warning(c.Location, LambdaFunctions.NoEndpointWarning(function));
        }
        return new LambdaTarget(template, endpoint, problem, c.Config.Lambda, TimeSpan.FromMilliseconds(integration.TimeoutInMillis), c.Services.Lambda, c.Services.Time, c.Location, logger);
    }

    /// <summary>
    /// Invokes the function and records <c>$context.integration.*</c>. The error is set when the
    /// call did not reach a function result: 504 on timeout, 500 when the Invoke API refused it or
    /// the function's concurrency limit did (status 429, as a throttle by Lambda; API Gateway
    /// answers both with 500 <c>Internal server error</c>), 504 <c>INTEGRATION_FAILURE</c> when it
    /// could not be reached.
    /// </summary>
    public async ValueTask<(LambdaResult Result, GatewayError? Error)> InvokeAsync(RequestContext context, byte[] payload)
    {
        var function = _function;
        var endpoint = _endpoint;
        if (_template.HasVariables)
        {
            // StageVariableTemplate's rule: an undefined variable renders empty (the name left is
            // then not a function Lambda knows, and the call fails as AWS's does).
            function = _template.Render(context.Stage?.Variables, out _);
            endpoint = LambdaFunctions.Endpoint(_settings, function, out _) ?? _endpoint;
        }
        if (endpoint is null)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
            {
                _logger.LogError("{Location}: {Problem}; requests to it answer 500 (logged once).", _location, _missing);
            }
            context.IntegrationError = _missing;
            return (new LambdaResult(LambdaOutcome.Failed, 0, [], null, _missing), GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR));
        }
        var time = _time;
        var started = time.GetTimestamp();
        var result = await _client.InvokeAsync(endpoint, function, payload, _timeout, _settings.Credentials, context.RequestId, context.Http.RequestAborted);
        context.IntegrationLatencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        context.IntegrationStatus = result.StatusCode == 0 ? null : result.StatusCode;
        switch (result.Outcome)
        {
            case LambdaOutcome.Timeout:
                context.IntegrationError = "Endpoint request timed out";
                _logger.LogWarning("{RequestId} {Location}: {Message}.", context.RequestId, _location, result.Message);
                return (result, GatewayError.Of(GatewayResponseType.INTEGRATION_TIMEOUT));
            case LambdaOutcome.Failed:
                context.IntegrationError = result.Message;
                _logger.Log(result.Throttled ? LogLevel.Debug : LogLevel.Error,
                    "{RequestId} {Location}: Lambda invocation failed: {Message}.", context.RequestId, _location, result.Message);
                return (result, result.StatusCode == 0
                    ? GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE)
                    : GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR));
            default:
                return (result, null);
        }
    }
}
