using Tollgate.Gateway.Model;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.SigV4;

/// <summary>
/// AWS's messages for SigV4 failures, with the gateway response type each maps to. Texts were
/// checked against responses quoted from API Gateway and other AWS services; the few that could
/// not be confirmed for API Gateway say so.
/// </summary>
internal static class SigV4Errors
{
    public const string MissingTokenMessage = "Missing Authentication Token";
    public const string InvalidTokenMessage = "The security token included in the request is invalid.";

    private const string MismatchPreamble =
        "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /// <summary>No credentials at all (nor a route): 403 <c>MISSING_AUTHENTICATION_TOKEN</c>.</summary>
    public static AuthFailure MissingToken { get; } = new(
        GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, 403, MissingTokenMessage,
        "MissingAuthenticationTokenException", "sigv4.missing");

    /// <summary>
    /// Malformed or incomplete SigV4 parameters. AWS answers 403 with
    /// <c>IncompleteSignatureException</c>; API Gateway has no response type of that name, and the
    /// message is about missing authentication data, so it takes MISSING_AUTHENTICATION_TOKEN.
    /// </summary>
    public static AuthFailure Incomplete(string message, string reason) => new(
        GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, 403, message, "IncompleteSignatureException", reason);

    /// <summary>A well-formed signature that is wrong for this request or scope: 403 <c>INVALID_SIGNATURE</c>.</summary>
    public static AuthFailure Invalid(string message, string reason) => new(
        GatewayResponseType.INVALID_SIGNATURE, 403, message, "InvalidSignatureException", reason);

    /// <summary>
    /// Unknown access key, or a session token that is missing, unsigned or wrong. AWS answers 403
    /// <c>UnrecognizedClientException</c> "The security token included in the request is invalid."
    /// and documents no response type for it. We use INVALID_SIGNATURE: the credentials cannot be
    /// verified, it is not a policy decision (ACCESS_DENIED), the token is not expired
    /// (EXPIRED_TOKEN), and its default status is AWS's 403.
    /// </summary>
    public static AuthFailure UnrecognizedClient(string reason) => new(
        GatewayResponseType.INVALID_SIGNATURE, 403, InvalidTokenMessage, "UnrecognizedClientException", reason);

    /// <summary>The signature's time is too old (or a presigned URL has passed X-Amz-Expires): 403 <c>EXPIRED_TOKEN</c>.</summary>
    public static AuthFailure Expired(string message) => new(
        GatewayResponseType.EXPIRED_TOKEN, 403, message, "InvalidSignatureException", "sigv4.expired");

    public static string MissingParameters(bool credential, bool signature, bool signedHeaders, bool date, string authorization)
    {
        var parts = new List<string>(5);
        if (credential)
        {
            parts.Add("Authorization header requires 'Credential' parameter.");
        }
        if (signature)
        {
            parts.Add("Authorization header requires 'Signature' parameter.");
        }
        if (signedHeaders)
        {
            parts.Add("Authorization header requires 'SignedHeaders' parameter.");
        }
        if (date)
        {
            parts.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        parts.Add("Authorization=" + authorization);
        return string.Join(' ', parts);
    }

    public static string MissingEqualSign(string token, string authorization) =>
        $"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'.";

    /// <summary>Not confirmed for API Gateway; the text other AWS (Coral) services use.</summary>
    public static string MissingQueryParameter(string name) =>
        $"AWS query-string parameters must include '{name}'. Re-examine the query-string parameters.";

    public static string CredentialElements(string credential) =>
        $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'";

    public static string BadDate(string value) =>
        $"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601";

    public static string DateScopeMismatch(string scopeDate, string timestamp) =>
        $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{timestamp[..8]}', from '{timestamp}'.";

    // AWS ends these two with a space before the closing quote; kept as sent.
    public static string WrongService(string expected) => $"Credential should be scoped to correct service: '{expected}'. ";

    public static string WrongRegion(string region) => $"Credential should be scoped to a valid region, not '{region}'. ";

    public static string WrongTerminator(string terminator) =>
        $"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. ";

    public static string Expired(string timestamp, DateTimeOffset limit, DateTimeOffset now, string window) =>
        $"Signature expired: {timestamp} is now earlier than {Iso(limit)} ({Iso(now)} - {window}.)";

    public static string NotYetCurrent(string timestamp, DateTimeOffset limit, DateTimeOffset now) =>
        $"Signature not yet current: {timestamp} is still later than {Iso(limit)} ({Iso(now)} + 5 min.)";

    public static string SignatureMismatch(ReadOnlySpan<char> canonicalRequest, ReadOnlySpan<char> stringToSign) =>
        string.Concat(
            MismatchPreamble,
            "\n\nThe Canonical String for this request should have been\n'", canonicalRequest.ToString(),
            "'\n\nThe String-to-Sign should have been\n'", stringToSign.ToString(), "'\n");

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
