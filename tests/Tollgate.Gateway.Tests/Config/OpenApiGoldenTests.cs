using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>
/// Realistic API Gateway exports and the model they import to (tests/fixtures/openapi/*.expected.json),
/// with the diagnostics of import and validation.
/// </summary>
public sealed class OpenApiGoldenTests
{
    [Theory]
    [InlineData("petstore.json")]
    [InlineData("orders-proxy.json")]
    [InlineData("bookings.yaml")]
    [InlineData("notes-http-api.json")]
    public void Import_Export_MatchesGolden(string file)
    {
        var path = Path.Combine(Golden.FixturesDirectory, "openapi", file);
        var diagnostics = new DiagnosticBag();
        var document = DocumentReader.ReadFile(path, $"definition '{file}'", diagnostics);
        Assert.NotNull(document);

        var title = document.Value.GetProperty("info").GetProperty("title").GetString()!;
        var import = OpenApiImporter.Import(document.Value, ConfigLoader.Slug(title), $"definition '{file}'", diagnostics);
        var api = import.Api with { Stages = [new Stage { StageName = import.BasePathStage ?? ConfigLoader.DefaultStage }] };
        ConfigValidator.Validate(new GatewayConfig { Apis = [api] }, diagnostics);

        var golden = CanonicalJson.Serialize(new
        {
            basePathStage = import.BasePathStage,
            api,
            diagnostics = diagnostics.Items.Select(d => d.ToString()).ToArray(),
        });
        Golden.Verify(Path.Combine("openapi", Path.GetFileNameWithoutExtension(file) + ".expected.json"), golden);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
    }
}

public sealed class GoldenDiffTests
{
    [Fact]
    public void Diff_ChangedLine_ShowsContextThenBothSides() =>
        Assert.Equal(
            "  1: a\n  2: b\n- 3: c\n+ 3: C\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal),
            Golden.Diff("a\nb\nc\nd\n", "a\nb\nC\nd\n"));
}
