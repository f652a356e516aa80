namespace Tollgate.Gateway.Policies.Authorizers.Iam;

/// <summary>
/// The method ARN that IAM and Lambda authorizer policies name:
/// <c>arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}</c>, the path
/// without its leading slash (so the root resource ends in <c>/GET/</c>).
/// </summary>
internal static class ExecuteApiArn
{
    public const string InvokeAction = "execute-api:Invoke";

    private const string Prefix = "arn:aws:execute-api:";

    /// <summary>Builds the ARN in one allocation (it is built for every authorized request).</summary>
    public static string Build(string region, string accountId, string apiId, string stage, string method, string path)
    {
        var skip = path.Length > 0 && path[0] == '/' ? 1 : 0;
        var length = Prefix.Length + region.Length + 1 + accountId.Length + 1 + apiId.Length + 1 + stage.Length + 1 + method.Length + 1 + path.Length - skip;
        return string.Create(length, (region, accountId, apiId, stage, method, path, skip), static (span, s) =>
        {
            var at = 0;
            Append(span, ref at, Prefix);
            Append(span, ref at, s.region);
            span[at++] = ':';
            Append(span, ref at, s.accountId);
            span[at++] = ':';
            Append(span, ref at, s.apiId);
            span[at++] = '/';
            Append(span, ref at, s.stage);
            span[at++] = '/';
            Append(span, ref at, s.method);
            span[at++] = '/';
            Append(span, ref at, s.path.AsSpan(s.skip));
        });
    }

    private static void Append(Span<char> span, ref int at, ReadOnlySpan<char> text)
    {
        text.CopyTo(span[at..]);
        at += text.Length;
    }
}
