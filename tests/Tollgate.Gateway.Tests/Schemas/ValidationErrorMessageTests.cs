using System.Text.Json;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Tests.Schemas;

/// <summary>Messages in the words of the java json-schema-validator that API Gateway reports.</summary>
public sealed class ValidationErrorMessageTests
{
    private static ValidationResult Validate(string schema, string instance, int maxErrors = JsonSchema.DefaultMaxErrors)
    {
        using var schemaDoc = JsonDocument.Parse(schema);
        using var instanceDoc = JsonDocument.Parse(instance);
        return JsonSchema.Compile(schemaDoc.RootElement).Validate(instanceDoc.RootElement, maxErrors);
    }

    private static string Message(string schema, string instance) => Assert.Single(Validate(schema, instance).Errors).Message;

    [Fact]
    public void Validate_MissingRequired_ReportsMissingInSchemaOrder()
    {
        var result = Validate("""{"required":["name","age","id"]}""", """{"id":1}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("required", error.Keyword);
        Assert.Equal("""object has missing required properties (["name","age"])""", error.Message);
        Assert.Equal("""[object has missing required properties ([\"name\",\"age\"])]""", result.ValidationErrorString);
    }

    [Fact]
    public void Validate_WrongType_ReportsFoundAndAllowedTypes()
    {
        Assert.Equal("""instance type (string) does not match any allowed primitive type (allowed: ["integer"])""",
            Message("""{"type":"integer"}""", "\"12\""));
        Assert.Equal("""instance type (number) does not match any allowed primitive type (allowed: ["integer","null"])""",
            Message("""{"type":["integer","null"]}""", "1.5"));
    }

    [Fact]
    public void Validate_ValueNotInEnum_ReportsValueAndPossibleValues()
    {
        Assert.Equal("""instance value ("cow") not found in enum (possible values: ["cat","dog",1])""",
            Message("""{"enum":["cat","dog",1]}""", "\"cow\""));
    }

    [Theory]
    [InlineData("""{"minimum":10}""", "5", "numeric instance is lower than the required minimum (minimum: 10, found: 5)")]
    [InlineData("""{"minimum":10,"exclusiveMinimum":true}""", "10", "numeric instance is not strictly greater than the required minimum 10")]
    [InlineData("""{"maximum":2.5}""", "3", "numeric instance is greater than the required maximum (maximum: 2.5, found: 3)")]
    [InlineData("""{"maximum":3,"exclusiveMaximum":true}""", "3", "numeric instance is not strictly lower than the required maximum 3")]
    [InlineData("""{"multipleOf":0.01}""", "19.999", "remainder of division is not zero (19.999 / 0.01)")]
    public void Validate_NumberOutOfRange_ReportsLimit(string schema, string instance, string expected) =>
        Assert.Equal(expected, Message(schema, instance));

    [Theory]
    [InlineData("""{"minLength":3}""", "\"ab\"", """string "ab" is too short (length: 2, required minimum: 3)""")]
    [InlineData("""{"maxLength":2}""", "\"abc\"", """string "abc" is too long (length: 3, maximum allowed: 2)""")]
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"a1\"", "ECMA 262 regex \"^[a-z]+$\" does not match input string \"a1\"")]
    [InlineData("""{"format":"email"}""", "\"nope\"", """string "nope" is not a valid email address""")]
    public void Validate_StringConstraint_ReportsValueAndLimit(string schema, string instance, string expected) =>
        Assert.Equal(expected, Message(schema, instance));

    [Fact]
    public void Validate_AdditionalProperties_ListsTheExtraNames()
    {
        Assert.Equal("""object instance has properties which are not allowed by the schema: ["x","y"]""",
            Message("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1,"x":2,"y":3}"""));
    }

    [Fact]
    public void Validate_ArrayConstraints_ReportCounts()
    {
        Assert.Equal("array is too short: must have at least 2 elements but instance has 1 elements", Message("""{"minItems":2}""", "[1]"));
        Assert.Equal("array is too long: must have at most 1 elements but instance has 2 elements", Message("""{"maxItems":1}""", "[1,2]"));
        Assert.Equal("array must not contain duplicate elements", Message("""{"uniqueItems":true}""", "[1,1.0]"));
    }

    [Fact]
    public void Validate_NestedErrors_CollectsAllWithInstancePaths()
    {
        const string schema = """
            {"type":"object","required":["id"],
             "properties":{"items":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer","minimum":1}}}},
                           "a/b":{"type":"string"}}}
            """;
        var result = Validate(schema, """{"items":[{"qty":0},{"qty":"2"}],"a/b":3}""");

        Assert.Equal(
            [("", "required"), ("/items/0/qty", "minimum"), ("/items/1/qty", "type"), ("/a~1b", "type")],
            result.Errors.Select(e => (e.InstancePath, e.Keyword)));
    }

    [Fact]
    public void Validate_ManyErrors_StopsAtTheLimit()
    {
        var result = Validate("""{"additionalProperties":{"type":"string"}}""", """{"a":1,"b":2,"c":3,"d":4}""", maxErrors: 2);

        Assert.Equal(["/a", "/b"], result.Errors.Select(e => e.InstancePath));
    }

    [Fact]
    public void Validate_ValidInstance_ReturnsSharedValidResult()
    {
        var result = Validate("""{"type":"object"}""", "{}");

        Assert.Same(ValidationResult.Valid, result);
        Assert.Equal("", result.ValidationErrorString);
    }

    [Fact]
    public void Validate_CombinatorFailures_ReportCounts()
    {
        Assert.Equal("instance failed to match at least one required schema among 2",
            Message("""{"anyOf":[{"type":"string"},{"type":"boolean"}]}""", "1"));
        Assert.Equal("instance failed to match exactly one schema (matched 2 out of 2)",
            Message("""{"oneOf":[{"type":"integer"},{"minimum":0}]}""", "1"));
        Assert.Equal("instance matched a schema which it should not have", Message("""{"not":{"type":"integer"}}""", "1"));
    }

    [Fact]
    public void Validate_DependencyMissing_NamesPropertyAndMissing()
    {
        Assert.Equal("""property "card" of object has missing property dependencies (schema requires ["billing","cvc"]; missing: ["cvc"])""",
            Message("""{"dependencies":{"card":["billing","cvc"]}}""", """{"card":1,"billing":2}"""));
    }

    [Fact]
    public void ValidationErrorString_TwoErrors_JoinsAsJavaListWithEscapedQuotes()
    {
        var result = Validate("""{"required":["a"],"properties":{"b":{"type":"string"}}}""", """{"b":1}""");

        Assert.Equal("""[object has missing required properties ([\"a\"]), instance type (integer) does not match any allowed primitive type (allowed: [\"string\"])]""",
            result.ValidationErrorString);
    }

    [Theory]
    [InlineData("""{"minimum":0}""", "1e400", true)]
    [InlineData("""{"maximum":0}""", "1e400", false)]
    [InlineData("""{"multipleOf":3}""", "-1e400", false)]
    [InlineData("""{"type":"integer"}""", "1e400", true)]
    [InlineData("""{"enum":[1]}""", "1e400", false)]
    public void Validate_NumberBeyondDouble_DecidesWithoutThrowing(string schema, string instance, bool valid) =>
        Assert.Equal(valid, Validate(schema, instance).IsValid);

    [Fact]
    public void Validate_AllOfReferringToItself_FailsWithBoundedErrors()
    {
        var result = Validate("""{"allOf":[{"$ref":"#"}]}""", "{}");

        Assert.False(result.IsValid);
        Assert.InRange(result.Errors.Count, 1, JsonSchema.DefaultMaxErrors);
    }

    [Theory]
    [InlineData("""{"$ref":"#"}""")]
    [InlineData("""{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}""")]
    public void Validate_RefCycle_FailsWithLoopError(string schema)
    {
        var result = Validate(schema, "{}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("validation loop", error.Message, StringComparison.Ordinal);
    }
}
