using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.FunctionalTests.Support;

/// <summary>Short ways to build configs in tests.</summary>
public static class Models
{
    public static Integration Proxy(string uri, params (string Target, string Source)[] parameters) => new()
    {
        Type = IntegrationType.HttpProxy,
        Uri = uri,
        HttpMethod = "ANY",
        RequestParameters = parameters.ToImmutableDictionary(p => p.Target, p => p.Source),
    };

    public static Integration Mock(string body, int status = 200, string requestTemplate = "{\"statusCode\": 200}") => new()
    {
        Type = IntegrationType.Mock,
        RequestTemplates = ImmutableDictionary<string, string>.Empty.Add("application/json", requestTemplate),
        Responses =
        [
            new IntegrationResponse
            {
                SelectionPattern = "default",
                StatusCode = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ResponseTemplates = ImmutableDictionary<string, string>.Empty.Add("application/json", body),
            },
        ],
    };

    public static Resource Resource(string path, params (string Method, Integration Integration)[] methods) => new()
    {
        Path = path,
        Methods = methods.ToImmutableDictionary(m => m.Method, m => new Method { HttpMethod = m.Method, Integration = m.Integration }),
    };

    public static Api Api(string id, string stage, params Resource[] resources) => new()
    {
        Id = id,
        Name = id,
        Resources = [.. resources],
        Stages = [new Stage { StageName = stage }],
    };

    public static GatewayConfig Config(params Api[] apis) => new() { Apis = [.. apis] };
}
