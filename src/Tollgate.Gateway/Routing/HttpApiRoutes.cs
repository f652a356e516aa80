namespace Tollgate.Gateway.Routing;

/// <summary>Names HTTP APIs (v2) give to routes and stages.</summary>
internal static class HttpApiRoutes
{
    /// <summary>The catch-all route: requests that no other route matches.</summary>
    public const string DefaultRoute = "$default";
}
