using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Policies.Validation;
using Tollgate.Gateway.Schemas;

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

    // The issue's yardstick: a 1 KB body against a 20-property schema (types, required, a pattern,
    // bounds, a nested object and an array of items).
    private const string OrderSchema = """
        {
          "type": "object",
          "required": ["orderId", "customerId", "currency", "items", "shipping"],
          "properties": {
            "orderId": { "type": "string", "pattern": "^o-[0-9]{6}$" },
            "customerId": { "type": "string", "minLength": 3, "maxLength": 40 },
            "currency": { "type": "string", "enum": ["EUR", "USD", "GBP"] },
            "total": { "type": "number", "minimum": 0 },
            "discount": { "type": "number", "minimum": 0, "maximum": 100 },
            "express": { "type": "boolean" },
            "giftWrap": { "type": "boolean" },
            "channel": { "type": "string", "maxLength": 20 },
            "coupon": { "type": ["string", "null"] },
            "notes": { "type": "string", "maxLength": 500 },
            "createdAt": { "type": "string" },
            "priority": { "type": "integer", "minimum": 1, "maximum": 5 },
            "tags": { "type": "array", "items": { "type": "string" }, "maxItems": 10 },
            "source": { "type": "string" },
            "locale": { "type": "string", "pattern": "^[a-z]{2}-[A-Z]{2}$" },
            "referrer": { "type": "string" },
            "loyaltyPoints": { "type": "integer", "minimum": 0 },
            "taxExempt": { "type": "boolean" },
            "shipping": {
              "type": "object",
              "required": ["name", "street", "city", "country"],
              "properties": {
                "name": { "type": "string" }, "street": { "type": "string" }, "city": { "type": "string" },
                "postcode": { "type": "string" }, "country": { "type": "string", "minLength": 2, "maxLength": 2 }
              }
            },
            "items": {
              "type": "array", "minItems": 1, "maxItems": 50,
              "items": {
                "type": "object", "required": ["sku", "qty", "price"],
                "properties": { "sku": { "type": "string" }, "qty": { "type": "integer", "minimum": 1 }, "price": { "type": "number", "minimum": 0 } }
              }
            }
          }
        }
        """;

    private JsonSchema _schema = null!;
    private JsonSchema _orderSchema = null!;
    private ReadOnlyMemory<byte> _order;
    private ReadOnlyMemory<byte> _valid;
    private ReadOnlyMemory<byte> _invalid;

    [GlobalSetup]
    public void Setup()
    {
        using var doc = JsonDocument.Parse(Schema);
        _schema = JsonSchema.Compile(doc.RootElement);
        _valid = Encoding.UTF8.GetBytes("""{"orderId":"o-123","customer":{"id":"c-9","email":"alice@example.com"},"items":[{"sku":"a","qty":1},{"sku":"b","qty":2},{"sku":"c","qty":3}],"note":null}""");
        _invalid = Encoding.UTF8.GetBytes("""{"orderId":"x","customer":{},"items":[{"sku":"a","qty":0,"extra":1}]}""");
        using var orderDoc = JsonDocument.Parse(OrderSchema);
        _orderSchema = JsonSchema.Compile(orderDoc.RootElement);
        _order = Encoding.UTF8.GetBytes("""
            {"orderId":"o-000123","customerId":"cust-42","currency":"EUR","total":149.85,"discount":10,"express":true,
             "giftWrap":false,"channel":"web","coupon":null,"notes":"Please leave the parcel with the neighbour at number 12 if nobody is home, or in the garden shed behind the house.",
             "createdAt":"2026-11-21T10:15:00Z","priority":2,"tags":["gift","repeat-customer","newsletter"],"source":"campaign-autumn",
             "locale":"de-DE","referrer":"https://shop.example.com/landing/autumn","loyaltyPoints":1250,"taxExempt":false,
             "shipping":{"name":"Alice Example","street":"Hauptstrasse 1","city":"Berlin","postcode":"10115","country":"DE"},
             "items":[{"sku":"SKU-0001","qty":1,"price":49.95},{"sku":"SKU-0002","qty":2,"price":24.95},{"sku":"SKU-0003","qty":1,"price":19.95},
                      {"sku":"SKU-0004","qty":3,"price":5.00},{"sku":"SKU-0005","qty":1,"price":14.05},
                      {"sku":"SKU-0006","qty":1,"price":3.50},{"sku":"SKU-0007","qty":2,"price":7.25},{"sku":"SKU-0008","qty":1,"price":12.00}]}
            """);
        if (_order.Length < 900 || _order.Length > 1200 || !Order())
        {
            throw new InvalidOperationException($"the 1 KB order body ({_order.Length} bytes) should validate");
        }
        if (!Valid() || Invalid())
        {
            throw new InvalidOperationException("the benchmark bodies do not validate as expected");
        }
    }

    [Benchmark(Description = "valid 1 KB body, 20-property schema")]
    public bool Order() => BodyValidator.Validate(_orderSchema, _order).IsValid;

    [Benchmark(Description = "valid 150-byte body")]
    public bool Valid() => BodyValidator.Validate(_schema, _valid).IsValid;

    [Benchmark(Description = "invalid body, errors collected")]
    public bool Invalid() => BodyValidator.Validate(_schema, _invalid).IsValid;
}
