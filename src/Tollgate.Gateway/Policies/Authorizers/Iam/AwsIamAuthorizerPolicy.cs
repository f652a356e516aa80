using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.SigV4;

namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>
/// <c>AWS_IAM</c> in front of one method: the SigV4 signature is verified against the configured
/// access keys, then the caller's identity policies must allow <c>execute-api:Invoke</c> on the
/// method ARN. The verified caller fills <c>$context.identity.userArn</c>, <c>caller</c>,
/// <c>user</c>, <c>accessKey</c> and <c>accountId</c>.
/// </summary>
internal sealed class AwsIamAuthorizerPolicy(IamAuthorizer authorizer, long maxBodyBytes, ILogger logger) : IAuthorizer
{
    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var http = context.Http;
        var request = http.Request;
        var rawPath = context.RawPath;
        var rawQuery = context.RawQuery;
        var hasBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        var signed = new SigV4Request
        {
            Method = request.Method,
            RawPath = rawPath,
            RawQuery = rawQuery,
            Headers = request.Headers,
            Body = hasBody ? new RequestBodyHash(request, maxBodyBytes) : null,
        };
        var stage = context.Stage!;
        IamAuthorizationResult result;
        try
        {
            result = await authorizer.AuthorizeAsync(
                signed, new MethodTarget(stage.Api.Id, stage.StageName, request.Method, context.ResourceRelativePath), http.RequestAborted);
        }
        catch (RequestBodyTooLargeException)
        {
            return GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, $"HTTP content length exceeded {maxBodyBytes} bytes");
        }
        if (result.Identity is { } identity)
        {
            context.Caller = new IamCallerValues(identity.PrincipalArn, identity.UserName, identity.AccessKeyId, identity.AccountId);
        }
        if (result.Failure is { } failure)
        {
            logger.LogDebug("{RequestId} AWS_IAM refused: {Reason}.", context.RequestId, failure.Reason);
            return AuthorizerErrors.From(context, failure);
        }
        return null;
    }
}
