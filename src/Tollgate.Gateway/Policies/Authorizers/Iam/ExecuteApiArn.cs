namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>
/// The method ARN that IAM and Lambda authorizer policies name:
/// <c>arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}</c>, the path
/// without its leading slash (so the root resource ends in <c>/GET/</c>).
/// </summary>
internal static class ExecuteApiArn
{
    public const string InvokeAction = "execute-api:Invoke";

    public static string Build(string region, string accountId, string apiId, string stage, string method, string path)
    {
        var p = path.AsSpan();
        if (p.Length > 0 && p[0] == '/')
        {
            p = p[1..];
        }
        return string.Concat(
            string.Concat("arn:aws:execute-api:", region, ":", accountId),
            string.Concat(":", apiId, "/", stage),
            string.Concat("/", method, "/"),
            p);
    }
}
