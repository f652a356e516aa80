using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tollgate.Gateway.Tests.Support;

/// <summary>
/// Serializes a model deterministically for golden files: string enums, JsonElement values as they
/// are, object keys sorted (ordinal) at every level so that ImmutableDictionary order does not
/// matter. Array order is kept: it is meaningful (integration responses, resources).
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonSerializerOptions ModelOptions = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly JsonSerializerOptions OutputOptions = new()
    {
        WriteIndented = true,
        // Templates hold quotes, '<' and '$'; keep them readable in the golden file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(object value)
    {
        var node = JsonSerializer.SerializeToNode(value, ModelOptions);
        return Sort(node)?.ToJsonString(OutputOptions).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sort)]),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };
}
