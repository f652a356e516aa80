using System.Collections.Immutable;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>The observability keys: telemetry, tracingEnabled, metricsEnabled, time rotation of access logs.</summary>
public sealed partial class ConfigLoaderTests
{
    [Fact]
    public void Load_Telemetry_TracingAndDetailedMetrics_Read()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            telemetry: { otlpEndpoint: "http://collector:4317", otlpProtocol: grpc, serviceName: edge, samplingRatio: 0.25, metricsExportIntervalSeconds: 15 }
            accessLogs: { rotateIntervalSeconds: 3600 }
            apis:
              - name: orders
                definition: orders.json
                stages:
                  - stageName: live
                    tracingEnabled: true
                    methodSettings:
                      "*/*": { metricsEnabled: true }
                      "/orders/GET": { metricsEnabled: false, throttlingRateLimit: 5 }
            """);
        var config = ConfigLoader.Load(path, LoadOptions.Default).Config!;
        Assert.Equal(new Uri("http://collector:4317"), config.Telemetry.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.Grpc, config.Telemetry.OtlpProtocol);
        Assert.Equal("edge", config.Telemetry.ServiceName);
        Assert.Equal(0.25, config.Telemetry.SamplingRatio);
        Assert.Equal(TimeSpan.FromSeconds(15), config.Telemetry.MetricsExportInterval);
        Assert.Equal(TimeSpan.FromHours(1), config.AccessLogs.RotateInterval);
        var stage = Assert.Single(Assert.Single(config.Apis).Stages);
        Assert.True(stage.TracingEnabled);
        Assert.True(stage.MethodSettings["*/*"].MetricsEnabled);
        Assert.False(stage.MethodSettings["/orders/GET"].MetricsEnabled);
        Assert.Equal(5, stage.MethodSettings["/orders/GET"].ThrottlingRateLimit);
    }

    [Fact]
    public void Load_TelemetryDefaults_NothingExported()
    {
        Write("orders.json", Definition);
        var config = ConfigLoader.Load(Write("gateway.yaml", "apis: [ { name: orders, definition: orders.json } ]\n"), LoadOptions.Default).Config!;
        Assert.Null(config.Telemetry.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, config.Telemetry.OtlpProtocol);
        Assert.Equal("tollgate", config.Telemetry.ServiceName);
        Assert.Equal(1.0, config.Telemetry.SamplingRatio);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Telemetry.MetricsExportInterval);
        Assert.False(Assert.Single(config.Apis[0].Stages).TracingEnabled);
    }

    [Fact]
    public void Load_BadTelemetry_EveryProblemNamed()
    {
        Write("orders.json", Definition);
        var path = Write("gateway.yaml", """
            telemetry: { otlpEndpoint: "ftp://x", otlpProtocol: thrift, serviceName: "", samplingRatio: 1.5, metricsExportIntervalSeconds: 0, exporter: x }
            apis: [ { name: orders, definition: orders.json, stages: [ { stageName: live, tracingEnabled: "yes" } ] } ]
            """);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.Null(result.Config);
        var lines = Lines(result);
        Assert.Contains("error: config 'gateway.yaml', telemetry: 'otlpEndpoint' 'ftp://x' must be an http:// or https:// URL without query, e.g. http://127.0.0.1:4318.", lines);
        Assert.Contains("error: config 'gateway.yaml', telemetry: 'otlpProtocol' 'thrift' must be http/protobuf or grpc.", lines);
        Assert.Contains("error: config 'gateway.yaml', telemetry: 'serviceName' must be 1 to 255 characters.", lines);
        Assert.Contains("error: config 'gateway.yaml', telemetry: 'samplingRatio' 1.5 must be from 0 to 1.", lines);
        Assert.Contains(lines, l => l.StartsWith("error: config 'gateway.yaml', telemetry: 'metricsExportIntervalSeconds' 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("error: config 'gateway.yaml', telemetry: unknown key 'exporter'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("apis[0].stages[0]", StringComparison.Ordinal) && l.Contains("tracingEnabled", StringComparison.Ordinal));
    }
}
