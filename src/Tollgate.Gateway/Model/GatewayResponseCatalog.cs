using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Model;

/// <summary>
/// API Gateway's defaults for each gateway response type: status code, message and the
/// <c>x-amzn-ErrorType</c> header, and which DEFAULT_xXX type customises it when it is not
/// customised itself.
/// </summary>
internal static class GatewayResponseCatalog
{
    internal readonly record struct Entry(int StatusCode, string Message, string ErrorType);

    private static readonly Entry[] Entries = Build();

    public static Entry Get(GatewayResponseType type) => Entries[(int)type];

    /// <summary>The type whose customisation applies when <paramref name="type"/> has none.</summary>
    public static GatewayResponseType? Fallback(GatewayResponseType type) => type switch
    {
        GatewayResponseType.DEFAULT_4XX or GatewayResponseType.DEFAULT_5XX => null,
        _ => Get(type).StatusCode >= 500 ? GatewayResponseType.DEFAULT_5XX : GatewayResponseType.DEFAULT_4XX,
    };

    private static Entry[] Build()
    {
        var values = Enum.GetValues<GatewayResponseType>();
        var entries = new Entry[values.Length];
        foreach (var type in values)
        {
            entries[(int)type] = type switch
            {
                GatewayResponseType.DEFAULT_4XX => new(400, "Bad Request", "BadRequestException"),
                GatewayResponseType.DEFAULT_5XX => new(500, "Internal server error", "InternalServerErrorException"),
                GatewayResponseType.ACCESS_DENIED => new(403, "User is not authorized to access this resource with an explicit deny", "AccessDeniedException"),
                GatewayResponseType.API_CONFIGURATION_ERROR => new(500, "Internal server error", "InternalServerErrorException"),
                GatewayResponseType.AUTHORIZER_CONFIGURATION_ERROR => new(500, "Internal server error", "AuthorizerConfigurationException"),
                GatewayResponseType.AUTHORIZER_FAILURE => new(500, "Internal server error", "AuthorizerFailureException"),
                GatewayResponseType.BAD_REQUEST_BODY => new(400, "Invalid request body", "BadRequestException"),
                GatewayResponseType.BAD_REQUEST_PARAMETERS => new(400, "Missing required request parameters", "BadRequestException"),
                GatewayResponseType.EXPIRED_TOKEN => new(403, "The security token included in the request is expired", "ExpiredTokenException"),
                GatewayResponseType.INTEGRATION_FAILURE => new(504, "Network error communicating with endpoint", "InternalServerErrorException"),
                GatewayResponseType.INTEGRATION_TIMEOUT => new(504, "Endpoint request timed out", "InternalServerErrorException"),
                GatewayResponseType.INVALID_API_KEY => new(403, "Forbidden", "ForbiddenException"),
                GatewayResponseType.INVALID_SIGNATURE => new(403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", "InvalidSignatureException"),
                GatewayResponseType.MISSING_AUTHENTICATION_TOKEN => new(403, "Missing Authentication Token", "MissingAuthenticationTokenException"),
                GatewayResponseType.QUOTA_EXCEEDED => new(429, "Limit Exceeded", "LimitExceededException"),
                GatewayResponseType.REQUEST_TOO_LARGE => new(413, "Request Too Long", "RequestTooLargeException"),
                GatewayResponseType.RESOURCE_NOT_FOUND => new(404, "Not Found", "NotFoundException"),
                GatewayResponseType.THROTTLED => new(429, "Too Many Requests", "TooManyRequestsException"),
                GatewayResponseType.UNAUTHORIZED => new(401, "Unauthorized", "UnauthorizedException"),
                GatewayResponseType.UNSUPPORTED_MEDIA_TYPE => new(415, "Unsupported Media Type", "UnsupportedMediaTypeException"),
                GatewayResponseType.WAF_FILTERED => new(403, "Forbidden", "WafFilteredException"),
                _ => throw new InvalidOperationException("Unknown gateway response type " + type),
            };
        }
        return entries;
    }
}
