using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Config;

public sealed class ModelEqualityTests : IDisposable
{
    private const string Definition = """
        {
          "swagger": "2.0",
          "info": {"title": "Orders", "version": "1"},
          "x-amazon-apigateway-binary-media-types": ["image/png"],
          "x-amazon-apigateway-gateway-responses": {
            "THROTTLED": {"statusCode": 429, "responseTemplates": {"application/json": "{\"slow\": \"down\"}"}}
          },
          "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
          "paths": {
            "/orders/{orderId}": {
              "post": {
                "security": [{"api_key": []}],
                "x-amazon-apigateway-request-validator": "all",
                "parameters": [{"in": "body", "name": "body", "schema": {"$ref": "#/definitions/Order"}}],
                "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}
              }
            }
          },
          "definitions": {"Order": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}}},
          "securityDefinitions": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
        }
        """;

    private const string Gateway = """
        apis:
          - name: orders
            definition: orders.json
            stages:
              - stageName: live
                variables: { color: blue }
                methodSettings:
                  "*/*": { throttlingRateLimit: 5, throttlingBurstLimit: 10, metricsEnabled: true }
        apiKeys:
          - { name: tenant-a, value: "tenant-a-0123456789abcdef" }
        usagePlans:
          - name: gold
            apiStages: [ { apiId: orders, stage: live } ]
            quota: { limit: 100, period: DAY }
            apiKeys: [ tenant-a ]
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-equality-" + Guid.NewGuid().ToString("N"));

    public ModelEqualityTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private GatewayConfig Load(string gateway = Gateway, string definition = Definition)
    {
        File.WriteAllText(Path.Combine(_directory, "orders.json"), definition);
        var path = Path.Combine(_directory, "gateway.yaml");
        File.WriteAllText(path, gateway);
        var result = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    [Fact]
    public void Equals_TwoLoadsOfTheSameFiles_EqualRecords()
    {
        var first = Load();
        var second = Load();

        Assert.NotSame(first.Apis[0], second.Apis[0]);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal(first.Apis[0], second.Apis[0]);
        Assert.Equal(first.Apis[0].GetHashCode(), second.Apis[0].GetHashCode());
        Assert.Equal(first.Apis[0].Stages[0], second.Apis[0].Stages[0]);
        Assert.Equal(first.ApiKeys[0], second.ApiKeys[0]);
        Assert.Equal(first.UsagePlans[0], second.UsagePlans[0]);
        Assert.Equal(first.UsagePlans[0].GetHashCode(), second.UsagePlans[0].GetHashCode());
        Assert.Equal(Deployment.DefinitionOf(first.Apis[0]), Deployment.DefinitionOf(second.Apis[0]));
    }

    public static TheoryData<string, string, string> Changes => new()
    {
        // What changes, in gateway.yaml or orders.json, and which record must then differ.
        { "\"required\": [\"sku\"]", "\"required\": [\"sku\", \"qty\"]", "api" },
        { "{\\\"statusCode\\\": 200}", "{\\\"statusCode\\\": 201}", "api" },
        { "\"statusCode\": 429", "\"statusCode\": 430", "api" },
        { "[\"image/png\"]", "[\"image/gif\"]", "api" },
        { "\"validateRequestBody\": true", "\"validateRequestBody\": false", "api" },
        { "color: blue", "color: green", "stage" },
        { "metricsEnabled: true", "metricsEnabled: false", "stage" },
        { "tenant-a-0123456789abcdef", "tenant-a-0123456789abcdeX", "key" },
        { "limit: 100,", "limit: 101,", "plan" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Equals_OneChangeAnywhere_Unequal(string from, string to, string record)
    {
        var before = Load();
        Assert.True(Definition.Contains(from, StringComparison.Ordinal) || Gateway.Contains(from, StringComparison.Ordinal), from);
        var after = Load(Gateway.Replace(from, to, StringComparison.Ordinal), Definition.Replace(from, to, StringComparison.Ordinal));

        Assert.NotEqual(before, after);
        switch (record)
        {
            case "api":
                Assert.NotEqual(before.Apis[0], after.Apis[0]);
                Assert.NotEqual(Deployment.DefinitionOf(before.Apis[0]), Deployment.DefinitionOf(after.Apis[0]));
                Assert.Equal(before.ApiKeys[0], after.ApiKeys[0]);
                Assert.Equal(before.UsagePlans[0], after.UsagePlans[0]);
                break;
            case "stage":
                Assert.NotEqual(before.Apis[0].Stages[0], after.Apis[0].Stages[0]);
                // A stage setting is not part of the definition its deployment snapshots.
                Assert.Equal(Deployment.DefinitionOf(before.Apis[0]), Deployment.DefinitionOf(after.Apis[0]));
                break;
            case "key":
                Assert.NotEqual(before.ApiKeys[0], after.ApiKeys[0]);
                Assert.Equal(before.Apis[0], after.Apis[0]);
                break;
            case "plan":
                Assert.NotEqual(before.UsagePlans[0], after.UsagePlans[0]);
                Assert.Equal(before.Apis[0], after.Apis[0]);
                break;
        }
    }

    [Fact]
    public void Equals_JsonByContent_NotByFormatting()
    {
        using var a = JsonDocument.Parse("{\"type\": \"object\", \"n\": 1}");
        using var b = JsonDocument.Parse("{ \"type\":\"object\",\"n\":1 }");
        using var c = JsonDocument.Parse("{\"type\": \"object\", \"n\": 2}");
        var api = new Api { Id = "a", Models = ImmutableDictionary<string, JsonElement>.Empty.Add("M", a.RootElement) };

        Assert.Equal(api, api with { Models = ImmutableDictionary<string, JsonElement>.Empty.Add("M", b.RootElement) });
        Assert.NotEqual(api, api with { Models = ImmutableDictionary<string, JsonElement>.Empty.Add("M", c.RootElement) });
        Assert.NotEqual(api, api with { Models = ImmutableDictionary<string, JsonElement>.Empty.Add("N", b.RootElement) });
    }

    [Fact]
    public void Equals_ArraysInOrder_NestedDictionariesByValue()
    {
        var integration = new Integration
        {
            Type = IntegrationType.Mock,
            ResponseParameters = ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty
                .Add("200", ImmutableDictionary<string, string>.Empty.Add("overwrite:header.x", "'1'")),
        };
        var copy = integration with
        {
            ResponseParameters = ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty
                .Add("200", ImmutableDictionary<string, string>.Empty.Add("overwrite:header.x", "'1'")),
        };
        Assert.Equal(integration, copy);
        Assert.Equal(integration.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(integration, integration with { CacheKeyParameters = ["a"] });

        var api = new Api { Id = "a", BinaryMediaTypes = ["image/png", "image/gif"] };
        Assert.Equal(api, api with { BinaryMediaTypes = ["image/png", "image/gif"] });
        Assert.NotEqual(api, api with { BinaryMediaTypes = ["image/gif", "image/png"] });
    }

    /// <summary>
    /// A record that holds a collection or JSON and keeps the synthesized equality would compare
    /// it by reference: every such record of the model must route equality to ModelEquality.
    /// </summary>
    [Fact]
    public void ModelRecords_WithCollectionsOrJson_CompareByValue()
    {
        var missing = new List<string>();
        foreach (var type in typeof(Api).Assembly.GetTypes())
        {
            if (type.Namespace != typeof(Api).Namespace || !type.IsPublic || type.GetMethod("<Clone>$") is null)
            {
                continue;
            }
            var needsValueEquality = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p =>
                p.PropertyType == typeof(JsonElement) || p.PropertyType == typeof(JsonElement?) ||
                (p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)));
            var equals = type.GetMethod("Equals", [type]);
            if (needsValueEquality && (equals is null || equals.IsDefined(typeof(CompilerGeneratedAttribute))))
            {
                missing.Add(type.Name);
            }
        }
        Assert.Empty(missing);
    }
}
