namespace Tollgate.Gateway.Model;

/// <summary>
/// Stage settings of one method, or of all methods. Keys in <see cref="Stage.MethodSettings"/>:
/// <c>*/*</c> for the default of every method, <c>/resource/METHOD</c> for one method (the
/// AWS patch-path form <c>~1resource/METHOD</c> is accepted too). A method's own setting wins over
/// <c>*/*</c> field by field; an unset field falls back to the account limit.
/// </summary>
public sealed record MethodSetting
{
    /// <summary>Steady rate, requests a second, for each method (each method has its own bucket); null: not set.</summary>
    public double? ThrottlingRateLimit { get; init; }

    /// <summary>Burst (bucket size) for each method; null: not set.</summary>
    public int? ThrottlingBurstLimit { get; init; }

    /// <summary>
    /// API Gateway's detailed metrics (<c>metricsEnabled</c>): the method's requests are counted
    /// under their own <c>method</c> and <c>resource</c> (HTTP APIs: <c>route</c>) labels; without
    /// it they count under the API and stage only. Null: not set (false unless <c>*/*</c> says so).
    /// </summary>
    public bool? MetricsEnabled { get; init; }
}
