using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.SigV4;

namespace Tollgate.Gateway.Lambda;

/// <summary>
/// Signs Lambda Invoke API calls with Signature Version 4 (service <c>lambda</c>), header form:
/// <c>Host</c>, <c>X-Amz-Date</c>, <c>X-Amz-Content-SHA256</c> and, for temporary credentials,
/// <c>X-Amz-Security-Token</c> are signed. Uses the same canonicalisation as the verifier.
/// The region is the configured one, else the function ARN's, else <c>us-east-1</c>.
/// </summary>
internal sealed class LambdaSigner(TimeProvider time, Func<string?> configuredRegion)
{
    public const string Service = "lambda";

    public ValueTask SignAsync(HttpRequestMessage request, byte[] payload, LambdaCredentials credentials)
    {
        var uri = request.RequestUri!;
        var now = time.GetUtcNow().UtcDateTime;
        var timestamp = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = timestamp[..8];
        var region = configuredRegion() ?? RegionOf(uri) ?? "us-east-1";
        var payloadHash = BufferedBody.Sha256Hex(payload);

        var headers = new HeaderDictionary
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture),
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = timestamp,
        };
        var signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        if (credentials.SessionToken is { } token)
        {
            headers["x-amz-security-token"] = token;
            signedHeaders += ";x-amz-security-token";
        }
        var canonicalRequest = new SigV4Request
        {
            Method = request.Method.Method,
            RawPath = uri.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped),
            RawQuery = uri.Query.Length > 1 ? uri.Query[1..] : "",
            Headers = headers,
        };
        var scope = $"{date}/{region}/{Service}/aws4_request";
        string canonical;
        var builder = new CharBuilder(512);
        try
        {
            SigV4Canonical.AppendCanonicalRequest(ref builder, canonicalRequest, signedHeaders, false, payloadHash);
            canonical = builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
        var stringToSign = $"AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{BufferedBody.Sha256Hex(Encoding.UTF8.GetBytes(canonical))}";
        var key = SigV4Key.DeriveSigningKey(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date, region, Service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

        request.Headers.TryAddWithoutValidation("X-Amz-Date", timestamp);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", payloadHash);
        if (credentials.SessionToken is { } sessionToken)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return ValueTask.CompletedTask;
    }

    /// <summary>The region of the function ARN in an Invoke API path (<c>arn:aws:lambda:{region}:...</c>).</summary>
    internal static string? RegionOf(Uri uri)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        const string Marker = "arn:aws:lambda:";
        var at = path.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var start = at + Marker.Length;
        var end = path.IndexOf(':', start);
        return end > start ? path[start..end] : null;
    }
}
