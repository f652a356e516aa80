using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

internal static partial class ConfigLoader
{
    /// <summary>Top-level keys of authorization: region, accountId, lambda, functions, jwks, iam.</summary>
    private static GatewayConfig ReadAuthorizerSections(ConfigObject file, GatewayConfig config, SectionContext context) => config;
}
