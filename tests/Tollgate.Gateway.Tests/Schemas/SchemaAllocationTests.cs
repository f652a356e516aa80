using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Tests.Schemas;

/// <summary>The validate path of a valid body allocates nothing (a typical model and about 1 KB of body).</summary>
public sealed class SchemaAllocationTests
{
    /// <summary>20 properties: types, required, a pattern, min/max, a nested object and an array of objects.</summary>
    internal const string OrderSchema = """
        {
          "type": "object",
          "required": ["id", "customer", "items", "total", "currency", "status"],
          "additionalProperties": false,
          "properties": {
            "id": { "type": "string", "pattern": "^ord_[0-9a-f]{8}$" },
            "customer": {
              "type": "object",
              "required": ["name", "email"],
              "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 100 },
                "email": { "type": "string", "maxLength": 254 },
                "vip": { "type": "boolean" }
              }
            },
            "items": {
              "type": "array", "minItems": 1, "maxItems": 50,
              "items": {
                "type": "object",
                "required": ["sku", "qty", "price"],
                "properties": {
                  "sku": { "type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$" },
                  "qty": { "type": "integer", "minimum": 1, "maximum": 999 },
                  "price": { "type": "number", "minimum": 0, "multipleOf": 0.01 }
                }
              }
            },
            "total": { "type": "number", "minimum": 0 },
            "currency": { "enum": ["EUR", "USD", "GBP"] },
            "status": { "type": "string", "enum": ["new", "paid", "shipped"] },
            "note": { "type": ["string", "null"], "maxLength": 500 },
            "createdAt": { "type": "string", "minLength": 20 },
            "priority": { "type": "integer", "minimum": 0, "maximum": 5 },
            "gift": { "type": "boolean" },
            "channel": { "type": "string" },
            "coupon": { "type": "string", "maxLength": 20 },
            "weightKg": { "type": "number", "exclusiveMinimum": true, "minimum": 0 },
            "tags": { "type": "array", "items": { "type": "string" }, "uniqueItems": true },
            "shippingMethod": { "type": "string" },
            "warehouse": { "type": "string" },
            "region": { "type": "string", "pattern": "^[a-z]{2}-[a-z]+-[0-9]$" },
            "attempts": { "type": "integer" },
            "source": { "type": "string" }
          }
        }
        """;

    internal const string OrderBody = """
        {"id":"ord_0a1b2c3d","customer":{"name":"Ada Lovelace","email":"ada@example.com","vip":true},
         "items":[{"sku":"ABC-0001","qty":2,"price":19.99},{"sku":"XYZ-1234","qty":1,"price":5.50},
                  {"sku":"QRS-9876","qty":10,"price":0.99},{"sku":"LMN-5555","qty":3,"price":120.00},
                  {"sku":"DEF-0042","qty":4,"price":12.25},{"sku":"GHI-7777","qty":1,"price":249.00},
                  {"sku":"JKL-3141","qty":6,"price":3.14},{"sku":"TUV-2718","qty":5,"price":27.18}],
         "total":424.38,"currency":"EUR","status":"paid","note":"Leave at the door, please. Ring twice. If nobody answers, leave it with the neighbour at number 12, who has agreed to take parcels for us this week.",
         "createdAt":"2024-05-01T10:00:00Z","priority":2,"gift":false,"channel":"web","coupon":"SPRING24",
         "weightKg":3.75,"tags":["fragile","express","priority"],"shippingMethod":"courier","warehouse":"dub-1",
         "region":"eu-west-1","attempts":1,"source":"checkout-service"}
        """;

    [Fact]
    public void Validate_ValidOrderBody_AllocatesNothing()
    {
        using var schemaDocument = JsonDocument.Parse(OrderSchema);
        var schema = JsonSchema.Compile(schemaDocument.RootElement);
        using var body = JsonDocument.Parse(Encoding.UTF8.GetBytes(OrderBody));
        Assert.InRange(Encoding.UTF8.GetByteCount(OrderBody), 800, 1200);
        Assert.Same(ValidationResult.Valid, schema.Validate(body.RootElement)); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            schema.Validate(body.RootElement);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Validate_InvalidOrderBody_ReportsEachProblem()
    {
        using var schemaDocument = JsonDocument.Parse(OrderSchema);
        var schema = JsonSchema.Compile(schemaDocument.RootElement);
        var bad = OrderBody.Replace("\"qty\":2", "\"qty\":0", StringComparison.Ordinal)
            .Replace("ord_0a1b2c3d", "order-1", StringComparison.Ordinal)
            .Replace("\"currency\":\"EUR\"", "\"currency\":\"JPY\"", StringComparison.Ordinal);
        using var body = JsonDocument.Parse(bad);

        var result = schema.Validate(body.RootElement);

        Assert.Equal(["/id", "/items/0/qty", "/currency"], result.Errors.Select(e => e.InstancePath));
    }
}
