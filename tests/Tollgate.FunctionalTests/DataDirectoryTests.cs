using System.Diagnostics;
using System.Net;
using Tollgate.FunctionalTests.Support;

namespace Tollgate.FunctionalTests;

/// <summary>
/// Where the usage database goes when <c>--data-dir</c> is not given: <c>data</c> beside the config,
/// else, when that cannot be written, the user's state directory; <c>usage</c> finds it there too.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class DataDirectoryTests
{
    private const string Export = """
        { "openapi": "3.0.1", "info": { "title": "state", "version": "1" },
          "paths": { "/ok": { "get": { "x-amazon-apigateway-integration": { "type": "mock",
            "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
            "responses": { "default": { "statusCode": "200" } } } } } } }
        """;

    [Fact]
    public async Task Serve_ConfigDirectoryNotWritable_UsageGoesToTheStateDirectoryAndSaysSo()
    {
        using var dir = new TempDirectory();
        using var state = new TempDirectory();
        var path = dir.Write("api.json", Export);
        // 'data' beside the config cannot be made a directory (tests run as root, so a read-only
        // mode would not stop them): the same failure a read-only checkout gives.
        dir.Write("data", "not a directory");
        var info = Cli.StartInfo("serve", "--config", path, "--listen", "http://127.0.0.1:0");
        info.Environment["XDG_STATE_HOME"] = state.Path;
        using var process = Process.Start(info)!;
        var lines = new Cli.Lines();
        lines.Attach(process);
        try
        {
            var recorded = await lines.WaitFor(l => l.Contains("Usage is recorded in", StringComparison.Ordinal));
            var expected = Path.Combine(state.Path, "tollgate");
            Assert.Contains(expected + Path.DirectorySeparatorChar + "api-", recorded, StringComparison.Ordinal);
            var serving = await lines.WaitFor(l => l.Contains("Tollgate is serving", StringComparison.Ordinal));
            var address = serving[(serving.IndexOf("http://", StringComparison.Ordinal))..].TrimEnd('/', ' ');
            using var client = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(address + "/prod/ok")).StatusCode);
            var database = Assert.Single(Directory.GetFiles(expected, "tollgate.db", SearchOption.AllDirectories));
            Assert.Equal("not a directory", File.ReadAllText(dir.File("data")));
            Assert.StartsWith(expected, database, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }
}
