namespace Tollgate.Gateway.Pipeline;

/// <summary>Where routing by host and path put a request: the stage, and the path relative to it.</summary>
internal readonly record struct StageRoute(CompiledStage Stage, string RelativePath, string? DomainName);

/// <summary>
/// Finds the API stage of a request by host and path (custom domains and base paths,
/// <c>{apiId}.execute-api.*</c> hosts, stage names): the <c>Route</c> row of the request phase.
/// <c>Routing.RequestRouter</c> is the one.
/// </summary>
internal interface IStageRouter
{
    bool TryRoute(string host, string path, out StageRoute route);

    /// <summary>For a host <c>{apiId}.execute-api.*</c>, the API it names (to answer in that API's way when no stage matched).</summary>
    CompiledApi? ExecuteApiHost(string host);
}

/// <summary>Finds the method of a path within a stage: the <c>Match</c> row. <c>Routing.RouteTable</c> is the one.</summary>
internal interface IRouteMatcher
{
    /// <summary>The method <paramref name="httpMethod"/> of the path, with its path parameter values as sent; null when no route takes it.</summary>
    CompiledMethod? Match(string path, string httpMethod, out string[] parameterValues);
}
