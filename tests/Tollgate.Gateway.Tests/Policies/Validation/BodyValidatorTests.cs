using System.Text;
using System.Text.Json;
using Tollgate.Gateway.Policies.Validation;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Tests.Policies.Validation;

public sealed class BodyValidatorTests
{
    private static JsonSchema Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSchema.Compile(document.RootElement);
    }

    [Fact]
    public void Validate_EmptyBody_IsValidatedAsEmptyObject()
    {
        var schema = Schema("""{"type":"object","required":["name"]}""");

        var result = BodyValidator.Validate(schema, ReadOnlyMemory<byte>.Empty);

        Assert.Equal("""[object has missing required properties ([\"name\"])]""", result.ValidationErrorString);
        Assert.True(BodyValidator.Validate(Schema("""{"type":"object"}"""), ReadOnlyMemory<byte>.Empty).IsValid);
    }

    [Fact]
    public void Validate_BodyNotJson_FailsWithOneError()
    {
        var result = BodyValidator.Validate(Schema("{}"), Encoding.UTF8.GetBytes("{not json"));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Invalid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal("Invalid request body", BodyValidator.Message);
    }

    [Fact]
    public void Validate_ValidBody_ReturnsValid()
    {
        var result = BodyValidator.Validate(Schema("""{"properties":{"n":{"type":"integer"}}}"""), Encoding.UTF8.GetBytes("""{"n":2.0}"""));

        Assert.True(result.IsValid);
    }
}
