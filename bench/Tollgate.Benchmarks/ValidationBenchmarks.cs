using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Policies.Validation;

namespace Tollgate.Benchmarks;

/// <summary>Request body validation against a compiled draft-4 model, as the validation policy runs it.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private const string Schema = """
        {
          "$schema": "http://json-schema.org/draft-04/schema#",
          "type": "object",
          "required": ["orderId", "customer", "items"],
          "properties": {
            "orderId": { "type": "string", "pattern": "^o-[0-9]+$" },
            "customer": {
              "type": "object",
              "required": ["id"],
              "properties": { "id": { "type": "string" }, "email": { "type": "string", "format": "email" } }
            },
            "items": {
              "type": "array", "minItems": 1, "maxItems": 100,
              "items": {
                "type": "object", "required": ["sku", "qty"], "additionalProperties": false,
                "properties": { "sku": { "type": "string", "maxLength": 32 }, "qty": { "type": "integer", "minimum": 1 } }
              }
            },
            "note": { "type": ["string", "null"] }
          }
        }
        """;

    private JsonSchema _schema = null!;
    private ReadOnlyMemory<byte> _valid;
    private ReadOnlyMemory<byte> _invalid;

    [GlobalSetup]
    public void Setup()
    {
        using var doc = JsonDocument.Parse(Schema);
        _schema = JsonSchema.Compile(doc.RootElement);
        _valid = Encoding.UTF8.GetBytes("""{"orderId":"o-123","customer":{"id":"c-9","email":"alice@example.com"},"items":[{"sku":"a","qty":1},{"sku":"b","qty":2},{"sku":"c","qty":3}],"note":null}""");
        _invalid = Encoding.UTF8.GetBytes("""{"orderId":"x","customer":{},"items":[{"sku":"a","qty":0,"extra":1}]}""");
        if (!Valid() || Invalid())
        {
            throw new InvalidOperationException("the benchmark bodies do not validate as expected");
        }
    }

    [Benchmark(Description = "valid 150-byte body")]
    public bool Valid() => BodyValidator.Validate(_schema, _valid).IsValid;

    [Benchmark(Description = "invalid body, errors collected")]
    public bool Invalid() => BodyValidator.Validate(_schema, _invalid).IsValid;
}
