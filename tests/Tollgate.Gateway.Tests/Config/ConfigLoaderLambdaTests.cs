using Tollgate.Gateway.Config;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Tests.Config;

public sealed class ConfigLoaderLambdaTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-lambda-loader-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderLambdaTests()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "orders.json"), """{"swagger": "2.0", "info": {"title": "Orders", "version": "1"}, "paths": {}}""");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private LoadResult Load(string yaml)
    {
        var path = Path.Combine(_directory, "gateway.yaml");
        File.WriteAllText(path, yaml + "\napis:\n  - name: orders\n    definition: orders.json\n");
        return ConfigLoader.Load(path, LoadOptions.Default);
    }

    private string[] Errors(LoadResult result) =>
        [.. result.Diagnostics.Select(d => d.ToString().Replace(_directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))];

    [Fact]
    public void Load_NoLambdaLimits_Defaults()
    {
        var settings = Load("").Config!.Lambda;
        Assert.Equal(new LambdaLimits(256, 256, TimeSpan.FromSeconds(1)), LambdaFunctions.Limits(settings, "any"));
    }

    [Fact]
    public void Load_LambdaLimits_SharedAndPerFunction()
    {
        var result = Load("""
            lambda:
              endpoint: http://127.0.0.1:9001
              maxConcurrency: 50
              maxQueued: 0
              queueTimeoutMillis: 250
            functions:
              - name: arn:aws:lambda:eu-west-1:123456789012:function:tenant-auth
                maxConcurrency: 8
                maxQueued: 16
              - name: price
                endpoint: http://127.0.0.1:9002
            """);

        Assert.Empty(Errors(result));
        var settings = result.Config!.Lambda;
        Assert.Equal(new LambdaLimits(8, 16, TimeSpan.FromMilliseconds(250)), LambdaFunctions.Limits(settings, "arn:aws:lambda:eu-west-1:123456789012:function:tenant-auth"));
        Assert.Equal(new LambdaLimits(8, 16, TimeSpan.FromMilliseconds(250)), LambdaFunctions.Limits(settings, "tenant-auth"));
        Assert.Equal(new LambdaLimits(50, 0, TimeSpan.FromMilliseconds(250)), LambdaFunctions.Limits(settings, "price"));
        Assert.Equal(9001, LambdaFunctions.Endpoint(settings, "tenant-auth", out _)!.Port);
        Assert.Equal(9002, LambdaFunctions.Endpoint(settings, "price", out _)!.Port);
    }

    [Fact]
    public void Load_LambdaLimitsOutOfRange_ErrorsNameTheKey()
    {
        var result = Load("""
            lambda:
              maxConcurrency: 0
              maxQueued: -1
              queueTimeoutMillis: 30001
            functions:
              - name: auth
                maxConcurrency: 100001
                maxQueued: 100001
              - name: typed
                maxQueued: lots
            """);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "error: config 'gateway.yaml', lambda: 'maxConcurrency' 0 must be between 1 and 100000.",
                "error: config 'gateway.yaml', lambda: 'maxQueued' -1 must be between 0 and 100000.",
                "error: config 'gateway.yaml', lambda: 'queueTimeoutMillis' 30001 must be between 1 and 30000.",
                "error: config 'gateway.yaml', functions[0]: 'maxConcurrency' 100001 must be between 1 and 100000.",
                "error: config 'gateway.yaml', functions[0]: 'maxQueued' 100001 must be between 0 and 100000.",
                "error: config 'gateway.yaml', functions[1]: 'maxQueued' must be an integer, not a string.",
            ],
            Errors(result));
    }
}
