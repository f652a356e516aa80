using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.FunctionalTests.Support;

/// <summary>Short ways to build HTTP API (v2) configs in tests.</summary>
public static class HttpApiModels
{
    public static Api HttpApi(string id, string stage, params Resource[] resources) =>
        Models.Api(id, stage, resources) with { Protocol = ApiProtocol.Http };

    public static Api WithCors(this Api api, string json)
    {
        using var document = JsonDocument.Parse(json);
        return api with { Cors = document.RootElement.Clone() };
    }

    public static Integration HttpProxy(
        string uri,
        (string Key, string Value)[]? request = null,
        (string Status, (string Key, string Value)[] Mappings)[]? responses = null,
        int timeoutInMillis = 30_000) => new()
        {
            Type = IntegrationType.HttpProxy,
            Uri = uri,
            HttpMethod = "ANY",
            PayloadFormatVersion = "1.0",
            TimeoutInMillis = timeoutInMillis,
            RequestParameters = (request ?? []).ToImmutableDictionary(p => p.Key, p => p.Value),
            ResponseParameters = (responses ?? []).ToImmutableDictionary(
                r => r.Status, r => r.Mappings.ToImmutableDictionary(p => p.Key, p => p.Value)),
        };
}
