using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Tests.Pipeline;

public sealed class StepResultTests
{
    [Fact]
    public void FromError_NullContinues_ErrorFails()
    {
        StepResult pass = (GatewayError?)null;
        StepResult refused = GatewayError.Of(GatewayResponseType.THROTTLED);

        Assert.Equal(StepOutcome.Continue, pass.Outcome);
        Assert.Null(pass.Error);
        Assert.Equal(StepOutcome.Fail, refused.Outcome);
        Assert.Equal(GatewayResponseType.THROTTLED, refused.Error!.Type);
        Assert.Equal(StepOutcome.Handled, StepResult.Handled.Outcome);
        Assert.Null(StepResult.Handled.Error);
        Assert.Equal(StepOutcome.Continue, default(StepResult).Outcome);
    }

    [Fact]
    public void RequestPhase_RowsInTheOrderOfTheWayOfARequest()
    {
        Assert.Equal(
            [RequestStage.Path, RequestStage.Route, RequestStage.Match, RequestStage.Cors, RequestStage.Unmatched, RequestStage.BodySize],
            RequestPhase.Rows.Select(r => r.Stage));
        Assert.Equal([PolicyStage.Authorizer, PolicyStage.ApiKey, PolicyStage.Throttling, PolicyStage.Validation], PolicyOrder.Slots.Select(s => s.Stage));
    }

    [Fact]
    public void ApiProfile_RestAndHttpDifferWhereAwsDoes()
    {
        var rest = ApiProfile.For(ApiProtocol.Rest);
        var http = ApiProfile.For(ApiProtocol.Http);

        Assert.Equal(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, rest.UnknownRoute.Type);
        Assert.Equal(404, http.UnknownRoute.StatusCode);
        Assert.Equal("1.0", rest.DefaultPayloadFormatVersion);
        Assert.Equal("2.0", http.DefaultPayloadFormatVersion);
        Assert.True(rest.MergesSlashes && rest.CustomGatewayResponses && rest.LambdaProxyOnlyPost && rest.LambdaProxyFiltersHeaders);
        Assert.False(http.MergesSlashes || http.CustomGatewayResponses || http.LambdaProxyOnlyPost || http.LambdaProxyFiltersHeaders);
        Assert.True(http.HasDefaultRoute && http.HasCors && http.ProxyEventDecodesPath && http.ProxyBodyBinaryUnlessText
            && http.HttpApiPayload10 && http.HttpApiMappings && http.HttpApiLogVariables && http.HttpApiAuthorizers && http.RouteLabels);
        Assert.False(rest.HasDefaultRoute || rest.HasCors || rest.ProxyEventDecodesPath || rest.ProxyBodyBinaryUnlessText
            || rest.HttpApiPayload10 || rest.HttpApiMappings || rest.HttpApiLogVariables || rest.HttpApiAuthorizers || rest.RouteLabels);
    }
}
