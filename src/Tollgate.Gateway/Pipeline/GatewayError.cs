using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// Why the gateway itself answers a request: a response type and the message that becomes
/// <c>$context.error.message</c>. The only way a policy or integration fails (DESIGN.md,
/// principle 4). Errors with the default message are shared instances, so failing allocates nothing.
/// </summary>
internal sealed class GatewayError
{
    private static readonly GatewayError[] Defaults = CreateDefaults();

    private GatewayError(GatewayResponseType type, string message, int? statusCode, string? errorType = null, bool messageIsNull = false)
    {
        Type = type;
        Message = message;
        StatusCode = statusCode;
        ErrorType = errorType;
        MessageIsNull = messageIsNull;
    }

    public GatewayResponseType Type { get; }

    public string Message { get; }

    /// <summary>A status that replaces the type's default (e.g. 404 for HTTP APIs' unknown routes); null: the default.</summary>
    public int? StatusCode { get; }

    /// <summary>An <c>x-amzn-ErrorType</c> that replaces the type's default (e.g. SigV4's <c>IncompleteSignatureException</c>); null: the default.</summary>
    public string? ErrorType { get; }

    /// <summary>
    /// The message is JSON null: <c>$context.error.messageString</c> renders <c>null</c> (API Gateway
    /// answers <c>{"message": null}</c> when a Lambda authorizer fails) and <c>$context.error.message</c> is empty.
    /// </summary>
    public bool MessageIsNull { get; }

    /// <summary>The error of this type with API Gateway's default message.</summary>
    public static GatewayError Of(GatewayResponseType type) => Defaults[(int)type];

    public static GatewayError Of(GatewayResponseType type, string message) => new(type, message, null);

    public static GatewayError Of(GatewayResponseType type, string message, int statusCode) => new(type, message, statusCode);

    /// <summary>An error with a message that may be JSON null and an <c>x-amzn-ErrorType</c> of its own.</summary>
    public static GatewayError Of(GatewayResponseType type, string? message, string? errorType) =>
        new(type, message ?? "", null, errorType, message is null);

    private static GatewayError[] CreateDefaults()
    {
        var values = Enum.GetValues<GatewayResponseType>();
        var result = new GatewayError[values.Length];
        foreach (var type in values)
        {
            result[(int)type] = new GatewayError(type, GatewayResponseCatalog.Get(type).Message, null);
        }
        return result;
    }
}
