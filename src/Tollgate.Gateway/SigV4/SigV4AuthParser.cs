using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.SigV4;

/// <summary>The SigV4 parameters of a request, from the Authorization header or the query string.</summary>
internal sealed class SigV4Parameters
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public required bool Presigned { get; init; }
    public required string AccessKeyId { get; init; }
    public required string ScopeDate { get; init; }
    public required string Region { get; init; }
    public required string Service { get; init; }
    public required string Terminator { get; init; }

    /// <summary>The credential scope as signed: <c>date/region/service/aws4_request</c>.</summary>
    public required string Scope { get; init; }

    public required string SignedHeaders { get; init; }
    public required string Signature { get; init; }

    /// <summary>The request time as signed, ISO 8601 basic (<c>20150830T123600Z</c>).</summary>
    public required string Timestamp { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>X-Amz-Expires of a presigned URL, in seconds.</summary>
    public int? ExpiresSeconds { get; init; }

    public string? SecurityToken { get; init; }
}

/// <summary>Reads SigV4 parameters, reporting malformed ones with AWS's messages.</summary>
internal static class SigV4AuthParser
{
    /// <summary>Longest validity of a presigned URL: 7 days, as in AWS.</summary>
    public const int MaxExpiresSeconds = 604_800;

    public static bool TryParse(SigV4Request request, out SigV4Parameters? parameters, out AuthFailure? failure)
    {
        parameters = null;
        if (request.Headers.TryGetValue("Authorization", out var auth) && auth.Count > 0 && !string.IsNullOrEmpty(auth[0]))
        {
            return TryParseHeader(request, auth[0]!, out parameters, out failure);
        }
        if (request.RawQuery.Contains("X-Amz-", StringComparison.Ordinal))
        {
            var parsed = TryParseQuery(request, out parameters, out failure, out var found);
            if (found)
            {
                return parsed;
            }
        }
        failure = SigV4Errors.MissingToken;
        return false;
    }

    private static bool TryParseHeader(SigV4Request request, string authorization, out SigV4Parameters? parameters, out AuthFailure? failure)
    {
        parameters = null;
        var value = authorization.AsSpan().Trim();
        var space = value.IndexOfAny(' ', '\t');
        var algorithm = space < 0 ? value : value[..space];
        var rest = space < 0 ? ReadOnlySpan<char>.Empty : value[(space + 1)..];
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var range in rest.SplitAny(", \t"))
        {
            var token = rest[range];
            if (token.Length == 0)
            {
                continue;
            }
            var eq = token.IndexOf('=');
            if (eq < 0)
            {
                failure = SigV4Errors.Incomplete(SigV4Errors.MissingEqualSign(token.ToString(), authorization), "sigv4.malformed_header");
                return false;
            }
            var key = token[..eq];
            var v = token[(eq + 1)..].ToString();
            if (key.SequenceEqual("Credential"))
            {
                credential = v;
            }
            else if (key.SequenceEqual("SignedHeaders"))
            {
                signedHeaders = v;
            }
            else if (key.SequenceEqual("Signature"))
            {
                signature = v;
            }
        }

        var timestamp = ReadHeaderTimestamp(request.Headers, out var badDate);
        if (credential is null || signature is null || signedHeaders is null || (timestamp is null && badDate is null))
        {
            failure = SigV4Errors.Incomplete(
                SigV4Errors.MissingParameters(credential is null, signature is null, signedHeaders is null, timestamp is null && badDate is null, authorization),
                "sigv4.incomplete_header");
            return false;
        }
        if (!algorithm.SequenceEqual(SigV4Parameters.Algorithm))
        {
            // Not confirmed against API Gateway: the parameters are all there but the algorithm is not SigV4's.
            failure = SigV4Errors.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'.", "sigv4.algorithm");
            return false;
        }
        if (badDate is not null)
        {
            failure = SigV4Errors.Incomplete(SigV4Errors.BadDate(badDate), "sigv4.bad_date");
            return false;
        }
        var token2 = request.Headers.TryGetValue("X-Amz-Security-Token", out var t) && t.Count > 0 ? t[0] : null;
        return TryBuild(false, credential, signedHeaders, signature, timestamp!, null, token2, out parameters, out failure);
    }

    private static bool TryParseQuery(SigV4Request request, out SigV4Parameters? parameters, out AuthFailure? failure, out bool found)
    {
        parameters = null;
        failure = null;
        string? algorithm = null, credential = null, date = null, signedHeaders = null, signature = null, expires = null, token = null;
        foreach (var range in request.RawQuery.AsSpan().Split('&'))
        {
            var part = request.RawQuery.AsSpan()[range];
            var eq = part.IndexOf('=');
            if (eq < 0 || !part.StartsWith("X-Amz-"))
            {
                continue;
            }
            var key = part[..eq];
            var value = Uri.UnescapeDataString(part[(eq + 1)..].ToString());
            switch (key)
            {
                case "X-Amz-Algorithm": algorithm = value; break;
                case "X-Amz-Credential": credential = value; break;
                case "X-Amz-Date": date = value; break;
                case "X-Amz-SignedHeaders": signedHeaders = value; break;
                case "X-Amz-Signature": signature = value; break;
                case "X-Amz-Expires": expires = value; break;
                case "X-Amz-Security-Token": token = value; break;
                default: break;
            }
        }
        found = algorithm is not null || credential is not null || signature is not null;
        if (!found)
        {
            return false;
        }
        var missing = new List<string>();
        AddIfMissing(missing, algorithm, "X-Amz-Algorithm");
        AddIfMissing(missing, credential, "X-Amz-Credential");
        AddIfMissing(missing, signature, "X-Amz-Signature");
        AddIfMissing(missing, signedHeaders, "X-Amz-SignedHeaders");
        AddIfMissing(missing, date, "X-Amz-Date");
        if (missing.Count > 0)
        {
            failure = SigV4Errors.Incomplete(string.Join(' ', missing), "sigv4.incomplete_query");
            return false;
        }
        if (algorithm != SigV4Parameters.Algorithm)
        {
            failure = SigV4Errors.Incomplete("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"", "sigv4.algorithm");
            return false;
        }
        if (!TryParseIso(date!, out _))
        {
            failure = SigV4Errors.Incomplete(SigV4Errors.BadDate(date!), "sigv4.bad_date");
            return false;
        }
        int? expiresSeconds = null;
        if (expires is not null)
        {
            if (!int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var e) || e < 1 || e > MaxExpiresSeconds)
            {
                // S3's wording; the limit is SigV4's, the same for every service.
                failure = SigV4Errors.Incomplete(
                    "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
                    "sigv4.bad_expires");
                return false;
            }
            expiresSeconds = e;
        }
        return TryBuild(true, credential!, signedHeaders!, signature!, date!, expiresSeconds, token, out parameters, out failure);
    }

    private static bool TryBuild(
        bool presigned, string credential, string signedHeaders, string signature, string timestamp,
        int? expires, string? token, out SigV4Parameters? parameters, out AuthFailure? failure)
    {
        parameters = null;
        var parts = credential.Split('/');
        if (parts.Length != 5)
        {
            failure = SigV4Errors.Incomplete(SigV4Errors.CredentialElements(credential), "sigv4.bad_credential");
            return false;
        }
        TryParseIso(timestamp, out var time);
        parameters = new SigV4Parameters
        {
            Presigned = presigned,
            AccessKeyId = parts[0],
            ScopeDate = parts[1],
            Region = parts[2],
            Service = parts[3],
            Terminator = parts[4],
            Scope = credential[(parts[0].Length + 1)..],
            SignedHeaders = signedHeaders,
            Signature = signature,
            Timestamp = timestamp,
            Time = time,
            ExpiresSeconds = expires,
            SecurityToken = token,
        };
        failure = null;
        return true;
    }

    /// <summary>X-Amz-Date, else the Date header (RFC 1123) turned into ISO 8601 basic format.</summary>
    private static string? ReadHeaderTimestamp(IHeaderDictionary headers, out string? bad)
    {
        bad = null;
        if (headers.TryGetValue("X-Amz-Date", out var amz) && amz.Count > 0 && amz[0] is { Length: > 0 } a)
        {
            if (TryParseIso(a, out _))
            {
                return a;
            }
            bad = a;
            return null;
        }
        if (headers.TryGetValue("Date", out var date) && date.Count > 0 && date[0] is { Length: > 0 } d)
        {
            if (DateTimeOffset.TryParseExact(d, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return SigV4Errors.Iso(parsed);
            }
            bad = d;
        }
        return null;
    }

    /// <summary>Parses <c>yyyyMMddTHHmmssZ</c> without allocating.</summary>
    public static bool TryParseIso(string s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length != 16 || s[8] != 'T' || s[15] != 'Z')
        {
            return false;
        }
        var span = s.AsSpan();
        if (!int.TryParse(span[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(span[4..6], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(span[6..8], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(span[9..11], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(span[11..13], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            || !int.TryParse(span[13..15], NumberStyles.None, CultureInfo.InvariantCulture, out var second))
        {
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }
        time = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    private static void AddIfMissing(List<string> missing, string? value, string name)
    {
        if (value is null)
        {
            missing.Add(SigV4Errors.MissingQueryParameter(name));
        }
    }
}
