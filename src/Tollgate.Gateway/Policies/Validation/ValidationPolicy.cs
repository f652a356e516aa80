using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>
/// API Gateway's request validator: required parameters present and not blank (400
/// <c>BAD_REQUEST_PARAMETERS</c>, <c>Missing required request parameters: [a, b]</c>), then the
/// body against the model of the request's Content-Type (missing means <c>application/json</c>;
/// 400 <c>BAD_REQUEST_BODY</c>, <c>Invalid request body</c>). Either failure fills
/// <c>$context.error.validationErrorString</c>. A content type with no model is not validated,
/// as in API Gateway. The body is read once and kept for the integration.
/// </summary>
internal sealed class ValidationPolicy(RequiredParameters required, (string ContentType, JsonSchema Schema)[] models) : IRequestPolicy
{
    public ValueTask<StepResult> InvokeAsync(RequestContext context)
    {
        if (required.Count > 0)
        {
            var request = context.Http.Request;
            var missing = required.FindMissing(RequestView.Path(context), request.Query, request.Headers);
            if (missing is not null)
            {
                var message = RequiredParameters.FormatMessage(missing);
                context.ValidationErrorString = message;
                return ValueTask.FromResult<StepResult>(GatewayError.Of(GatewayResponseType.BAD_REQUEST_PARAMETERS, message));
            }
        }
        if (models.Length == 0 || TemplateSelection.ByContentType(context.Http.Request.ContentType, models) is not { } model)
        {
            return default;
        }
        return ValidateBodyAsync(context, model.Template);
    }

    private static async ValueTask<StepResult> ValidateBodyAsync(RequestContext context, JsonSchema schema)
    {
        var (body, tooLarge) = await RequestBody.GetAsync(context);
        if (body is null)
        {
            return tooLarge;
        }
        var result = BodyValidator.Validate(schema, body.Bytes);
        if (result.IsValid)
        {
            return null;
        }
        context.ValidationErrorString = result.ValidationErrorString;
        return GatewayError.Of(GatewayResponseType.BAD_REQUEST_BODY);
    }
}
