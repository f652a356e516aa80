using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// The <c>$context.requestOverride</c> and <c>$context.responseOverride</c> maps a request
/// template left, as strings, for the response template of the same request (which sees them,
/// as in API Gateway) and for the response (which applies their status and headers).
/// </summary>
internal sealed record CarriedOverrides(TemplateMap Request, TemplateMap Response);
