using System.Text.Json;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>
/// Checks a request body against the method's model (<c>validateRequestBody</c>). A failure is
/// the <c>BAD_REQUEST_BODY</c> gateway response (400) with <see cref="Message"/>, and the result's
/// <see cref="ValidationResult.ValidationErrorString"/> fills <c>$context.error.validationErrorString</c>.
/// </summary>
internal static class BodyValidator
{
    /// <summary>The gateway response message, <c>$context.error.message</c>.</summary>
    public const string Message = "Invalid request body";

    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 64 };

    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    /// <summary>
    /// Parses and validates a body. An empty body is validated as <c>{}</c> (so a model with
    /// required properties rejects it); a body that is not JSON fails with one error.
    /// </summary>
    public static ValidationResult Validate(JsonSchema schema, ReadOnlyMemory<byte> body, int maxErrors = JsonSchema.DefaultMaxErrors)
    {
        if (body.IsEmpty || body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            body = EmptyObject;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, ReaderOptions);
        }
        catch (JsonException e)
        {
            return new ValidationResult([new ValidationError("", "", "Invalid JSON: " + e.Message)]);
        }
        using (document)
        {
            return schema.Validate(document.RootElement, maxErrors);
        }
    }
}
