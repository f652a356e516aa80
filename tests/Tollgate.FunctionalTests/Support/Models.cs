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

/// <summary>Builders for integrations with mapping templates, Lambda and validators.</summary>
public static class IntegrationModels
{
    public const string LambdaUri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:{0}/invocations";

    public static ImmutableDictionary<string, string> Map(params (string Key, string Value)[] items) =>
        items.ToImmutableDictionary(i => i.Key, i => i.Value);

    public static IntegrationResponse Response(string pattern, int status, string? template = null, params (string Target, string Source)[] headers) => new()
    {
        SelectionPattern = pattern,
        StatusCode = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ResponseTemplates = template is null ? ImmutableDictionary<string, string>.Empty : Map(("application/json", template)),
        ResponseParameters = headers.ToImmutableDictionary(h => h.Target, h => h.Source),
    };

    public static Integration LambdaProxy(string function, string? payloadFormatVersion = null) => new()
    {
        Type = IntegrationType.AwsProxy,
        HttpMethod = "POST",
        Uri = string.Format(System.Globalization.CultureInfo.InvariantCulture, LambdaUri, function),
        PayloadFormatVersion = payloadFormatVersion,
    };

    public static Integration Lambda(string function, string? requestTemplate, params IntegrationResponse[] responses) => new()
    {
        Type = IntegrationType.Aws,
        HttpMethod = "POST",
        Uri = string.Format(System.Globalization.CultureInfo.InvariantCulture, LambdaUri, function),
        RequestTemplates = requestTemplate is null ? ImmutableDictionary<string, string>.Empty : Map(("application/json", requestTemplate)),
        Responses = [.. responses],
    };

    public static Integration Http(string uri, string? requestTemplate, params IntegrationResponse[] responses) => new()
    {
        Type = IntegrationType.Http,
        HttpMethod = "POST",
        Uri = uri,
        RequestTemplates = requestTemplate is null ? ImmutableDictionary<string, string>.Empty : Map(("application/json", requestTemplate)),
        Responses = [.. responses],
    };

    /// <summary>One API with one method, optionally changed (validators, parameters, models).</summary>
    public static Api SingleMethodApi(string path, string httpMethod, Integration integration, Func<Method, Method>? method = null, Func<Api, Api>? api = null)
    {
        var m = new Method { HttpMethod = httpMethod, Integration = integration };
        var result = new Api
        {
            Id = "api",
            Name = "api",
            Resources = [new Resource { Path = path, Methods = ImmutableDictionary<string, Method>.Empty.Add(httpMethod, method is null ? m : method(m)) }],
            Stages = [new Stage { StageName = "prod" }],
        };
        return api is null ? result : api(result);
    }

    public static GatewayConfig WithLambda(this GatewayConfig config, string endpoint) =>
        config with { Lambda = new LambdaSettings { Endpoint = endpoint } };
}
