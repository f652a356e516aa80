using Tollgate.Gateway.Model;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>The method a request is for, named as in its ARN.</summary>
/// <param name="ApiId">The API id.</param>
/// <param name="Stage">The stage name.</param>
/// <param name="HttpMethod">The HTTP method (upper case).</param>
/// <param name="Path">The request path within the stage, for example <c>/orders/42</c>.</param>
internal readonly record struct MethodTarget(string ApiId, string Stage, string HttpMethod, string Path);

/// <summary>Who signed a request to an <c>AWS_IAM</c> method: the values behind <c>$context.identity.*</c>.</summary>
internal sealed record CallerIdentity(
    string AccessKeyId,
    string PrincipalArn,
    string AccountId,
    string UserName,
    string Region,
    IamPrincipalEntry Principal);

/// <summary>The result of an <c>AWS_IAM</c> check: the caller and method ARN, or a failure.</summary>
internal readonly record struct IamAuthorizationResult(CallerIdentity? Identity, string? MethodArn, AuthFailure? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>
/// The <c>AWS_IAM</c> authorization of one method: verify the SigV4 signature, then require the
/// caller's identity policies to allow <c>execute-api:Invoke</c> on the method ARN. Denials
/// answer 403 ACCESS_DENIED with AWS's message.
/// </summary>
internal sealed class IamAuthorizer(SigV4Verifier verifier, string? region, string accountId)
{
    public async ValueTask<IamAuthorizationResult> AuthorizeAsync(SigV4Request request, MethodTarget target, CancellationToken cancellationToken = default)
    {
        var verified = await verifier.VerifyAsync(request, cancellationToken);
        if (!verified.Succeeded)
        {
            return new IamAuthorizationResult(null, null, verified.Failure);
        }
        // The verifier found the key in this authorizer's IAM credential store, whose keys are IAM credentials.
        var caller = verified.Identity!;
        var principal = ((IamCredential)caller.Key).Principal;
        var identity = new CallerIdentity(caller.AccessKeyId, principal.Arn, principal.AccountId, principal.Name, caller.Region, principal);
        var arn = ExecuteApiArn.Build(
            region ?? identity.Region, accountId, target.ApiId, target.Stage, target.HttpMethod, target.Path);
        var decision = IamPolicy.Evaluate(identity.Principal.Policies, ExecuteApiArn.InvokeAction, arn);
        if (decision == PolicyDecision.Allow)
        {
            return new IamAuthorizationResult(identity, arn, null);
        }
        var why = decision == PolicyDecision.ExplicitDeny
            ? " with an explicit deny in an identity-based policy"
            : " because no identity-based policy allows the execute-api:Invoke action";
        return new IamAuthorizationResult(identity, arn, new AuthFailure(
            GatewayResponseType.ACCESS_DENIED,
            403,
            $"User: {identity.PrincipalArn} is not authorized to perform: execute-api:Invoke on resource: {arn}{why}",
            "AccessDeniedException",
            decision == PolicyDecision.ExplicitDeny ? "iam.explicit_deny" : "iam.implicit_deny"));
    }
}
