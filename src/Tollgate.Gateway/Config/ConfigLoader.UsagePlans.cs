using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

internal static partial class ConfigLoader
{
    /// <summary>Top-level keys of API keys and usage plans: apiKeys, usagePlans, accountThrottle.</summary>
    private static GatewayConfig ReadUsagePlanSections(ConfigObject file, GatewayConfig config, SectionContext context) => config;

    /// <summary>Stage keys of usage plans: methodSettings.</summary>
    private static Stage ReadUsagePlanStageKeys(ConfigObject stage, Stage model) => model;
}
