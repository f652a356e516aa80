using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Schemas;

namespace Tollgate.Gateway.Policies.Validation;

/// <summary>
/// The request validation row of <see cref="Config.PolicyOrder"/>: the method's request validator (its
/// own, else the API's default) with <c>validateRequestParameters</c> and / or
/// <c>validateRequestBody</c>. The API's models are compiled once per snapshot and shared by its
/// methods.
/// </summary>
internal static class ValidationPolicies
{
    public static IRequestPolicy? Create(MethodCompilation c)
    {
        var name = c.Method.RequestValidatorId ?? c.Api.DefaultRequestValidator;
        if (name is null || !c.Api.RequestValidators.TryGetValue(name, out var validator))
        {
            return null; // an undefined validator is a config error reported by the validator
        }
        var required = RequiredParameters.None;
        if (validator.ValidateRequestParameters)
        {
            required = RequiredParameters.Compile(c.Method.RequestParameters, out var invalid);
            foreach (var key in invalid)
            {
                c.Diagnostics.Warning(c.Location, $"request parameter '{key}' is not method.request.{{path|querystring|header}}.name; it is not validated.");
            }
        }
        var models = new List<(string ContentType, JsonSchema Schema)>();
        if (validator.ValidateRequestBody && c.Method.RequestModels.Count > 0)
        {
            var set = c.Shared.GetOrAdd("validation.models", () => ModelSchemaSet.Compile(c.Api.Id, c.Api.Models, c.Diagnostics, $"API '{c.Api.Id}'"));
            foreach (var (contentType, model) in c.Method.RequestModels.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (set.TryGet(model, out var schema))
                {
                    models.Add((contentType, schema));
                }
            }
        }
        if (required.Count == 0 && models.Count == 0)
        {
            return null;
        }
        return new ValidationPolicy(required, [.. models]);
    }
}
