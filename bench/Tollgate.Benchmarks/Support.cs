using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Benchmarks;

/// <summary>A clock that stands still: benchmarks of time-checking code must not drift out of validity.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Configs and services shared by the benchmarks and the scale command.</summary>
internal static class Support
{
    public static GatewayServices Services(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var forwarder = new HttpForwarder(time, NullLogger<HttpForwarder>.Instance);
        var lambda = new LambdaClient(time, NullLogger.Instance);
        return new GatewayServices(time, NullLoggerFactory.Instance, forwarder, lambda);
    }

    /// <summary>
    /// An API with <paramref name="routes"/> resources shaped like real ones: a hundred services of
    /// a hundred resources, each with a path parameter, and a greedy catch-all per service.
    /// </summary>
    public static GatewayConfig Config(int routes)
    {
        var resources = ImmutableArray.CreateBuilder<Resource>(routes + 100);
        for (var i = 0; i < routes; i++)
        {
            resources.Add(Resource($"/v1/s{i / 100}/r{i}/{{id}}", "GET"));
        }
        for (var s = 0; s < Math.Max(1, routes / 100); s++)
        {
            resources.Add(Resource($"/v1/s{s}/files/{{proxy+}}", "ANY"));
        }
        return new GatewayConfig
        {
            Apis =
            [
                new Api
                {
                    Id = "bench",
                    Resources = resources.ToImmutable(),
                    Stages = [new Stage { StageName = "prod" }],
                },
            ],
        };
    }

    private static Resource Resource(string path, string method) => new()
    {
        Path = path,
        Methods = ImmutableDictionary<string, Method>.Empty.Add(method, new Method
        {
            HttpMethod = method,
            Integration = new Integration
            {
                Type = IntegrationType.HttpProxy,
                HttpMethod = "ANY",
                Uri = "http://127.0.0.1:18080/prod/0",
            },
        }),
    };

    public static GatewaySnapshot Compile(GatewayConfig config, GatewayServices services)
    {
        var diagnostics = new DiagnosticBag();
        return SnapshotCompiler.Compile(config, services, diagnostics)
            ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
    }
}
