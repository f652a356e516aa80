namespace Tollgate.Gateway.Model;

/// <summary>
/// The kinds of response the gateway itself produces, as in API Gateway. Each has a default status
/// code and message; an API may customise any of them, and DEFAULT_4XX / DEFAULT_5XX customise
/// every type of their class that is not customised itself.
/// </summary>
#pragma warning disable CA1707 // the names are API Gateway's, as they appear in exports
public enum GatewayResponseType
{
    /// <summary>Fallback for every 4xx type not customised.</summary>
    DEFAULT_4XX,
    /// <summary>Fallback for every 5xx type not customised.</summary>
    DEFAULT_5XX,
    /// <summary>403: the authorizer or a policy denied access.</summary>
    ACCESS_DENIED,
    /// <summary>500: the API is misconfigured.</summary>
    API_CONFIGURATION_ERROR,
    /// <summary>500: the authorizer could not be reached or answered nonsense.</summary>
    AUTHORIZER_CONFIGURATION_ERROR,
    /// <summary>500: the authorizer failed.</summary>
    AUTHORIZER_FAILURE,
    /// <summary>400: the body failed validation.</summary>
    BAD_REQUEST_BODY,
    /// <summary>400: a required parameter is missing.</summary>
    BAD_REQUEST_PARAMETERS,
    /// <summary>403: the SigV4 signature or token has expired.</summary>
    EXPIRED_TOKEN,
    /// <summary>504: the integration failed.</summary>
    INTEGRATION_FAILURE,
    /// <summary>504: the integration timed out.</summary>
    INTEGRATION_TIMEOUT,
    /// <summary>403: the API key is missing, unknown or disabled.</summary>
    INVALID_API_KEY,
    /// <summary>403: the SigV4 signature does not match.</summary>
    INVALID_SIGNATURE,
    /// <summary>403: no route matched, or credentials are missing.</summary>
    MISSING_AUTHENTICATION_TOKEN,
    /// <summary>429: the usage plan quota is used up.</summary>
    QUOTA_EXCEEDED,
    /// <summary>413: the request body is too large.</summary>
    REQUEST_TOO_LARGE,
    /// <summary>404: the resource was not found.</summary>
    RESOURCE_NOT_FOUND,
    /// <summary>429: too many requests.</summary>
    THROTTLED,
    /// <summary>401: the caller is not authenticated.</summary>
    UNAUTHORIZED,
    /// <summary>415: no template and passthrough refused for this content type.</summary>
    UNSUPPORTED_MEDIA_TYPE,
    /// <summary>403: the web application firewall blocked the request.</summary>
    WAF_FILTERED,
}
#pragma warning restore CA1707
