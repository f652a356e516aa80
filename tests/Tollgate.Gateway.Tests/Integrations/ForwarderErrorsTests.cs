using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Integrations;

/// <summary>
/// Each way an exchange can end, as API Gateway answers it: the gateway response and
/// <c>$context.integrationErrorMessage</c> / <c>.integration.status</c> / <c>.latency</c>.
/// The functional tests (backend timeouts, refused connections, busy backends, oversize
/// responses) check the same answers end to end.
/// </summary>
public sealed class ForwarderErrorsTests
{
    private static readonly Uri Target = new("http://backend/x");

    public static TheoryData<string, string?, GatewayResponseType?, int?, string?, string?> Cases => new()
    {
        // error, detail -> response type (null: nothing to answer), status override, response message (null: the type's), integrationErrorMessage
        { nameof(ForwarderError.None), null, null, null, null, null },
        { nameof(ForwarderError.RequestCanceled), null, null, null, null, null },
        { nameof(ForwarderError.RequestInvalid), "the request header 'X-A' has a line break or NUL in its value", GatewayResponseType.API_CONFIGURATION_ERROR, null, null, "the request header 'X-A' has a line break or NUL in its value" },
        { nameof(ForwarderError.RequestBodyTooLarge), "HTTP content length exceeded 1000 bytes", GatewayResponseType.REQUEST_TOO_LARGE, null, "HTTP content length exceeded 1000 bytes", "request body too large" },
        { nameof(ForwarderError.RequestBodyInvalid), "Bad chunk size data.", GatewayResponseType.DEFAULT_4XX, null, null, "Bad chunk size data." },
        { nameof(ForwarderError.BackendBusy), "http://backend:80: 4 requests in flight", GatewayResponseType.DEFAULT_5XX, 503, "Service Unavailable", "http://backend:80: 4 requests in flight" },
        { nameof(ForwarderError.NoAvailableDestination), null, GatewayResponseType.DEFAULT_5XX, 503, "Service Unavailable", "no destination available" },
        { nameof(ForwarderError.ConnectFailed), "Connection refused (backend:80)", GatewayResponseType.INTEGRATION_FAILURE, null, null, "Connection refused (backend:80)" },
        { nameof(ForwarderError.RequestFailed), "The response ended prematurely.", GatewayResponseType.INTEGRATION_FAILURE, null, null, "The response ended prematurely." },
        { nameof(ForwarderError.RequestTimedOut), "Endpoint request timed out", GatewayResponseType.INTEGRATION_TIMEOUT, null, "Endpoint request timed out", "Endpoint request timed out" },
        { nameof(ForwarderError.ResponseBodyTimedOut), "Endpoint response body timed out", GatewayResponseType.INTEGRATION_TIMEOUT, null, "Endpoint request timed out", "Endpoint response body timed out" },
        { nameof(ForwarderError.ResponseBodyTooLarge), "the integration response is larger than 10 bytes", GatewayResponseType.INTEGRATION_FAILURE, null, null, "the integration response is larger than 10 bytes" },
        { nameof(ForwarderError.ResponseBodyFailed), "reset", GatewayResponseType.INTEGRATION_FAILURE, null, null, "reset" },
        { nameof(ForwarderError.ResponseBodyIdle), "Endpoint response body timed out", null, null, null, "Endpoint response body timed out" },
        { nameof(ForwarderError.ResponseCut), "reset", null, null, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_EachError_AnswersAsApiGatewayDoes(string name, string? detail, GatewayResponseType? type, int? status, string? message, string? integrationError)
    {
        var error = Enum.Parse<ForwarderError>(name);
        var context = Context();
        var answer = ForwarderErrors.Apply(context, new ForwardResult(error, Detail: detail), Target, TimeSpan.FromSeconds(29), NullLogger.Instance);
        // A response whose head was sent and that could not be finished is recorded as cut.
        Assert.Equal(error is ForwarderError.ResponseBodyIdle or ForwarderError.ResponseCut, context.ResponseCut);
        if (type is null)
        {
            Assert.Null(answer);
        }
        else
        {
            Assert.NotNull(answer);
            Assert.Equal(type, answer.Type);
            Assert.Equal(status, answer.StatusCode);
            Assert.Equal(message ?? GatewayResponseCatalog.Get(type.Value).Message, answer.Message);
        }
        Assert.Equal(integrationError, context.IntegrationError);
    }

    [Fact]
    public void Enum_EveryValueHasACase()
    {
        var covered = new HashSet<ForwarderError>();
        foreach (var row in Cases)
        {
            covered.Add(Enum.Parse<ForwarderError>((string)row[0]));
        }
        Assert.Equal(Enum.GetValues<ForwarderError>().Length, covered.Count);
    }

    [Fact]
    public void Apply_StatusAndLatency_AreRecordedWhenTheHeadArrived()
    {
        var context = Context();
        Assert.Null(ForwarderErrors.Apply(context, new ForwardResult(ForwarderError.None, 502, 41), Target, TimeSpan.FromSeconds(1), NullLogger.Instance));
        Assert.Equal(502, context.IntegrationStatus);
        Assert.Equal(41, context.IntegrationLatencyMs);
        Assert.Null(context.IntegrationError);
    }

    [Fact]
    public void Apply_TimeoutBeforeTheHead_RecordsLatencyButNoStatus()
    {
        var context = Context();
        ForwarderErrors.Apply(context, new ForwardResult(ForwarderError.RequestTimedOut, LatencyMs: 2000, Detail: "Endpoint request timed out"), Target, TimeSpan.FromSeconds(2), NullLogger.Instance);
        Assert.Null(context.IntegrationStatus);
        Assert.Equal(2000, context.IntegrationLatencyMs);
    }

    [Fact]
    public void Apply_BodyTimeoutAfterTheHead_KeepsTheBackendsStatus()
    {
        var context = Context();
        var answer = ForwarderErrors.Apply(context, new ForwardResult(ForwarderError.ResponseBodyTimedOut, 200, 5, "Endpoint response body timed out"), Target, TimeSpan.FromSeconds(2), NullLogger.Instance);
        Assert.Equal(GatewayResponseType.INTEGRATION_TIMEOUT, answer!.Type);
        Assert.Equal(200, context.IntegrationStatus);
    }

    [Theory]
    [InlineData(false, GatewayResponseType.API_CONFIGURATION_ERROR)]
    [InlineData(true, GatewayResponseType.DEFAULT_4XX)]
    public void Report_TargetFailure_ConfigErrorOrClientError(bool byClient, GatewayResponseType type)
    {
        var context = Context();
        var answer = new TargetFailure("why", byClient).Report(context, NullLogger.Instance, "GET /x", "http://b/{x}");
        Assert.Equal(type, answer.Type);
        Assert.Equal("why", context.IntegrationError);
    }

    [Fact]
    public void IntegrationUri_UndefinedStageVariable_RendersEmpty()
    {
        var uri = IntegrationUri.Compile("http://b/a${stageVariables.missing}/x?env=${stageVariables.env}", ImmutableDictionary<string, ParameterSource>.Empty, "x", new DiagnosticBag());
        Assert.Equal("http://b/a/x?env=dev", uri.Build(Context(), out var failure)!.OriginalString);
        Assert.Null(failure);
    }

    [Fact]
    public void IntegrationUri_UndefinedStageVariable_UnusableUri_NamesTheVariable()
    {
        var uri = IntegrationUri.Compile("${stageVariables.backend}/x", ImmutableDictionary<string, ParameterSource>.Empty, "x", new DiagnosticBag());
        Assert.Null(uri.Build(Context(), out var failure));
        Assert.False(failure!.ByClient);
        Assert.EndsWith("; stage variable 'backend' is not defined on stage 'live' and was rendered empty", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegrationUri_BadPlaceholder_IsAConfigError()
    {
        var diagnostics = new DiagnosticBag();
        IntegrationUri.Compile("http://${host}/x", ImmutableDictionary<string, ParameterSource>.Empty, "Method 'GET /x'", diagnostics);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("error: Method 'GET /x': integration uri 'http://${host}/x': a placeholder starting '${' must be '${stageVariables.name}' with a name of letters, digits and '_'.", error.ToString());
    }

    private static RequestContext Context()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        var api = new CompiledApi(new Api { Id = "a" }, new RouteTable(false), GatewayResponseRenderer.Default, 1024);
        return new RequestContext(http, "req-1", DateTimeOffset.UnixEpoch, 0)
        {
            Stage = new CompiledStage(api, new Stage { StageName = "live", Variables = ImmutableDictionary<string, string>.Empty.Add("env", "dev") }),
        };
    }
}
