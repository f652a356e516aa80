using System.Collections.Immutable;
using System.Text;

namespace Tollgate.Gateway.Config;

/// <summary>
/// CloudFormation pseudo parameters in URIs and ARNs (<c>${AWS::Region}</c>, <c>${AWS::AccountId}</c>,
/// <c>${AWS::Partition}</c>): files written for SAM or CloudFormation carry them, and API Gateway's
/// import fills them in with the region and account imported into. Tollgate uses the config's
/// <c>region</c> (default <c>us-east-1</c>) and <c>accountId</c>.
/// </summary>
internal sealed partial class OpenApiImporter
{
    private const string DefaultRegion = "us-east-1";
    private const string PseudoOpen = "${AWS::";

    /// <summary>The value with every known pseudo parameter filled in; an unknown one is left as written, with a warning.</summary>
    private string? FillPseudoParameters(string? value, string where, string field)
    {
        if (value is null || !value.Contains(PseudoOpen, StringComparison.Ordinal))
        {
            return value;
        }
        var region = _options.Region ?? DefaultRegion;
        var builder = new StringBuilder(value.Length + 16);
        var i = 0;
        while (i < value.Length)
        {
            var start = value.IndexOf(PseudoOpen, i, StringComparison.Ordinal);
            var close = start < 0 ? -1 : value.IndexOf('}', start);
            if (close < 0)
            {
                builder.Append(value, i, value.Length - i);
                break;
            }
            builder.Append(value, i, start - i);
            var name = value[(start + PseudoOpen.Length)..close];
            string? filled = name switch
            {
                "Region" => region,
                "AccountId" => _options.AccountId,
                "Partition" => Partition(region),
                "URLSuffix" => region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com",
                _ => null,
            };
            if (filled is null)
            {
                _diagnostics.Warning(where, $"{field}: '${{AWS::{name}}}' is not a pseudo parameter Tollgate fills in (Region, AccountId, Partition, URLSuffix); left as written.");
                filled = value[start..(close + 1)];
            }
            builder.Append(filled);
            i = close + 1;
        }
        return builder.ToString();
    }

    private ImmutableArray<string> FillPseudoParameters(ImmutableArray<string> values, string where, string field) =>
        values.IsDefaultOrEmpty ? values : [.. values.Select(v => FillPseudoParameters(v, where, field)!)];

    /// <summary>The partition of a region: <c>aws-cn</c> for China, <c>aws-us-gov</c> for GovCloud, else <c>aws</c>.</summary>
    internal static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";
}
