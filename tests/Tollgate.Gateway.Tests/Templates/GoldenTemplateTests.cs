using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Tests.Templates;

/// <summary>Runs the cases under tests/fixtures/templates (see the README there).</summary>
public sealed class GoldenTemplateTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "templates");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_AwsDocumentedExample_GivesDocumentedOutput(string name)
    {
        var directory = Path.Combine(Root, name);
        var template = File.ReadAllText(Path.Combine(directory, "template.vtl"));
        var body = ReadOptional(directory, "body.json") ?? "";
        var request = ReadOptional(directory, "request.json") is { } json ? JsonNode.Parse(json)!.AsObject() : [];
        var scope = new ApiGatewayScope(
            new InputVariable(body, Strings(request["path"]), Strings(request["querystring"]), Strings(request["header"])),
            ToMap(request["context"]),
            ToMap(request["stageVariables"]));

        var output = TemplateTestSupport.Render(template, scope);

        var expectedText = ReadOptional(directory, "expected.txt");
        var expectedJson = ReadOptional(directory, "expected.json");
        Assert.True(expectedText is not null || expectedJson is not null, $"{name} has no expected output");
        if (expectedText is not null)
        {
            Assert.Equal(expectedText, output);
        }
        if (expectedJson is not null)
        {
            var actual = JsonNode.Parse(output);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual), $"{name}: output was\n{output}");
        }
    }

    [Fact]
    public void Cases_AreFound() => Assert.True(Cases().Count >= 7);

    private static string? ReadOptional(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private static Dictionary<string, string>? Strings(JsonNode? node) =>
        node?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);

    private static TemplateMap? ToMap(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        Assert.True(JsonValues.TryParse(node.ToJsonString(), out var element));
        return TemplateJson.ToTemplateValue(element, RenderBudget.Default()).AsMap;
    }
}
