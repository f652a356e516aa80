using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Policies.Validation;
using Tollgate.Gateway.Schemas;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Validation;

/// <summary>References between an API's models: the resolver seam and the model set.</summary>
public sealed class ModelSchemaSetTests
{
    private static ImmutableDictionary<string, JsonElement> Models(params (string Name, string Json)[] models)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>();
        foreach (var (name, json) in models)
        {
            using var document = JsonDocument.Parse(json);
            builder[name] = document.RootElement.Clone();
        }
        return builder.ToImmutable();
    }

    private static bool IsValid(ModelSchemaSet set, string model, string instance)
    {
        Assert.True(set.TryGet(model, out var schema));
        using var document = JsonDocument.Parse(instance);
        return schema.IsValid(document.RootElement);
    }

    [Theory]
    [InlineData("#/definitions/Pet")]
    [InlineData("#/components/schemas/Pet")]
    [InlineData("https://apigateway.amazonaws.com/restapis/petstore/models/Pet")]
    public void Compile_RefToOtherModel_ValidatesAgainstThatModel(string reference)
    {
        var models = Models(
            ("Pet", """{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}"""),
            ("Order", """{"type":"object","properties":{"pet":{"$ref":"REF"}}}""".Replace("REF", reference, StringComparison.Ordinal)));
        var diagnostics = new DiagnosticBag();

        var set = ModelSchemaSet.Compile("petstore", models, diagnostics, "API 'petstore'");

        Assert.Empty(diagnostics.Items);
        Assert.True(IsValid(set, "Order", """{"pet":{"name":"Rex"}}"""));
        Assert.False(IsValid(set, "Order", """{"pet":{}}"""));
    }

    [Fact]
    public void Compile_LocalDefinitionWithModelName_PrefersTheLocalOne()
    {
        var models = Models(
            ("Pet", """{"type":"string"}"""),
            ("Order", """{"definitions":{"Pet":{"type":"integer"}},"properties":{"pet":{"$ref":"#/definitions/Pet"}}}"""));

        var set = ModelSchemaSet.Compile("petstore", models, new DiagnosticBag(), "API 'petstore'");

        Assert.True(IsValid(set, "Order", """{"pet":3}"""));
        Assert.False(IsValid(set, "Order", """{"pet":"x"}"""));
    }

    [Fact]
    public void Compile_RecursiveModels_ValidateNestedInstances()
    {
        var models = Models(
            ("Node", """{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/definitions/Node"}}}}"""));

        var set = ModelSchemaSet.Compile("tree", models, new DiagnosticBag(), "API 'tree'");

        Assert.True(IsValid(set, "Node", """{"value":1,"children":[{"value":2,"children":[{"value":3}]}]}"""));
        Assert.False(IsValid(set, "Node", """{"value":1,"children":[{"value":2,"children":[{"value":"x"}]}]}"""));
    }

    [Fact]
    public void Compile_UnknownModelAndBadPattern_ReportsEveryProblemAndLeavesModelsOut()
    {
        var models = Models(
            ("Order", """{"properties":{"pet":{"$ref":"#/definitions/Missing"}}}"""),
            ("Tag", """{"pattern":"(unclosed"}"""),
            ("Ok", """{"type":"string"}"""));
        var diagnostics = new DiagnosticBag();

        var set = ModelSchemaSet.Compile("petstore", models, diagnostics, "API 'petstore'");

        Assert.True(diagnostics.HasErrors);
        Assert.Equal(2, diagnostics.Items.Count);
        Assert.Contains("API 'petstore', model 'Order'", diagnostics.Items[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("#/definitions/Missing", diagnostics.Items[0].Message, StringComparison.Ordinal);
        Assert.Contains("API 'petstore', model 'Tag'", diagnostics.Items[1].ToString(), StringComparison.Ordinal);
        Assert.False(set.TryGet("Order", out _));
        Assert.True(set.TryGet("Ok", out _));
    }

    [Fact]
    public void TryGetDocument_OtherApisModelUri_IsNotResolved()
    {
        var resolver = new ModelSchemaResolver("petstore", Models(("Pet", "{}")));

        Assert.True(resolver.TryGetDocument(ModelSchemaResolver.ModelUri("petstore", "Pet"), out _));
        Assert.False(resolver.TryGetDocument(ModelSchemaResolver.ModelUri("other", "Pet"), out _));
        Assert.Null(((ISchemaResolver)resolver).MapUnresolvedReference("#/definitions/Unknown"));
    }

    [Fact]
    public void Compile_CustomResolver_SuppliesRemoteDocument()
    {
        using var schema = JsonDocument.Parse("""{"$ref":"https://schemas.example/common.json#/definitions/id"}""");
        var resolver = new DictionaryResolver("https://schemas.example/common.json", """{"definitions":{"id":{"type":"string","minLength":3}}}""");

        var compiled = JsonSchema.Compile(schema.RootElement, resolver: resolver);

        using var good = JsonDocument.Parse("\"abc\"");
        using var bad = JsonDocument.Parse("\"ab\"");
        Assert.True(compiled.IsValid(good.RootElement));
        Assert.False(compiled.IsValid(bad.RootElement));
        Assert.Equal(1, resolver.Calls);
    }

    private sealed class DictionaryResolver(string uri, string json) : ISchemaResolver
    {
        public int Calls { get; private set; }

        public bool TryGetDocument(Uri documentUri, out JsonElement document)
        {
            Calls++;
            document = default;
            if (documentUri.AbsoluteUri != uri)
            {
                return false;
            }
            using var parsed = JsonDocument.Parse(json);
            document = parsed.RootElement.Clone();
            return true;
        }
    }
}
