using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Tests.Routing;

public sealed class RequestRouterTests
{
    private static (CompiledApi Api, Dictionary<string, CompiledStage> Stages) Api(string id, ApiProtocol protocol, params string[] stages)
    {
        var model = new Api { Id = id, Protocol = protocol, Stages = [.. stages.Select(s => new Stage { StageName = s })] };
        var api = new CompiledApi(model, new RouteTable(protocol == ApiProtocol.Http), GatewayResponseRenderer.Default, 1024);
        return (api, stages.ToDictionary(s => s, s => new CompiledStage(api, new Stage { StageName = s })));
    }

    private static RequestRouter Router(params (CompiledApi Api, Dictionary<string, CompiledStage> Stages)[] apis)
    {
        var byName = new Dictionary<string, CompiledStage>();
        foreach (var (_, stages) in apis)
        {
            foreach (var (name, stage) in stages)
            {
                byName.TryAdd(name, stage);
            }
        }
        return new RequestRouter(new HostNameTable<(string[] BasePath, CompiledStage Stage)[]>(), apis.ToDictionary(a => a.Api.Id, a => a.Stages), byName);
    }

    [Theory]
    [InlineData("localhost", "/prod/pets", "rest", "prod", "/pets")]
    [InlineData("localhost", "/pets/1", "notes", "$default", "/pets/1")]
    [InlineData("localhost", "/", "notes", "$default", "/")]
    [InlineData("localhost", "/$default/x", "notes", "$default", "/$default/x")]
    [InlineData("notes.execute-api.local", "/beta/x", "notes", "beta", "/x")]
    [InlineData("notes.execute-api.local", "/prod/x", "notes", "$default", "/prod/x")]
    [InlineData("rest.execute-api.local", "/prod/x", "rest", "prod", "/x")]
    public void TryRoute_DefaultStage_TakesWhatNoStageNames(string host, string path, string api, string stage, string relative)
    {
        var router = Router(Api("rest", ApiProtocol.Rest, "prod"), Api("notes", ApiProtocol.Http, "$default", "beta"));
        Assert.True(router.TryRoute(host, path, out var route));
        Assert.Equal(api, route.Stage.Api.Id);
        Assert.Equal(stage, route.Stage.StageName);
        Assert.Equal(relative, route.RelativePath);
    }

    [Fact]
    public void TryRoute_NoDefaultStage_UnknownStageFails()
    {
        var router = Router(Api("rest", ApiProtocol.Rest, "prod"), Api("notes", ApiProtocol.Http, "beta"));
        Assert.False(router.TryRoute("localhost", "/other/x", out _));
        Assert.False(router.TryRoute("notes.execute-api.local", "/other/x", out _));
        Assert.Equal("notes", router.ExecuteApiHost("notes.execute-api.local")?.Id);
        Assert.Null(router.ExecuteApiHost("localhost"));
    }
}
