using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// A Lambda proxy function's answer, <c>{statusCode, headers, multiValueHeaders, body,
/// isBase64Encoded}</c> (2.0 adds <c>cookies</c>). Payload 1.0 is strict, as API Gateway is: a
/// result that is not such an object, or has other keys, is malformed (502); one without
/// <c>statusCode</c> is a 200, as real API Gateway answers it. Payload 2.0 also takes any other
/// JSON value (or an object without <c>statusCode</c>) as a 200 <c>application/json</c> body.
/// </summary>
internal sealed class ProxyResponse
{
    private static readonly string[] V1Keys = ["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"];

    public int StatusCode { get; private set; } = 200;

    /// <summary>
    /// Headers in order. A name in both <c>multiValueHeaders</c> and <c>headers</c> has both: the
    /// multi values first, then the single one, as API Gateway merges them (recorded from AWS; the
    /// guide says the multi values win, which real API Gateway does not do).
    /// </summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public List<string> Cookies { get; } = [];

    public string? Body { get; private set; }

    public bool IsBase64Encoded { get; private set; }

    public static ProxyResponse? Parse(byte[] payload, bool v2, out string? problem)
    {
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            problem = "the result is not JSON: " + e.Message;
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (v2 && (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out _)))
            {
                var inferred = new ProxyResponse
                {
                    Body = root.ValueKind == JsonValueKind.String ? root.GetString() : root.GetRawText(),
                };
                inferred.Headers.Add(new("Content-Type", "application/json"));
                return inferred;
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"the result is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
                return null;
            }
            var response = new ProxyResponse();
            return response.Read(root, v2, out problem) ? response : null;
        }
    }

    private bool Read(JsonElement root, bool v2, out string? problem)
    {
        problem = null;
        var single = new List<KeyValuePair<string, string>>();
        List<KeyValuePair<string, string>>? multi = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "statusCode":
                    if (!TryStatus(value, out var status))
                    {
                        problem = $"statusCode {value.GetRawText()} is not a status code between 100 and 599";
                        return false;
                    }
                    StatusCode = status;
                    break;
                case "headers":
                    if (!ReadHeaders(value, single, multiValue: false))
                    {
                        problem = "headers must be an object of string values";
                        return false;
                    }
                    break;
                case "multiValueHeaders" when !v2:
                    multi = [];
                    if (!ReadHeaders(value, multi, multiValue: true))
                    {
                        problem = "multiValueHeaders must be an object of arrays of strings";
                        return false;
                    }
                    break;
                case "cookies" when v2:
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var cookie in value.EnumerateArray())
                        {
                            if (cookie.ValueKind == JsonValueKind.String)
                            {
                                Cookies.Add(cookie.GetString()!);
                            }
                        }
                    }
                    break;
                case "body":
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        Body = value.GetString();
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        if (!v2)
                        {
                            problem = $"body must be a string, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}";
                            return false;
                        }
                        Body = value.GetRawText();
                    }
                    break;
                case "isBase64Encoded":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        IsBase64Encoded = value.GetBoolean();
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        problem = "isBase64Encoded must be a boolean";
                        return false;
                    }
                    break;
                default:
                    if (!v2 && Array.IndexOf(V1Keys, property.Name) < 0)
                    {
                        problem = $"unexpected key '{property.Name}'";
                        return false;
                    }
                    break;
            }
        }
        // Per name: the multi values first, then the single one.
        if (multi is not null)
        {
            Headers.AddRange(multi);
        }
        Headers.AddRange(single);
        return true;
    }

    private static bool TryStatus(JsonElement value, out int status)
    {
        status = 0;
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out status),
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out status),
            _ => false,
        };
        return ok && status is >= 100 and <= 599;
    }

    private static bool ReadHeaders(JsonElement value, List<KeyValuePair<string, string>> into, bool multiValue)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        foreach (var header in value.EnumerateObject())
        {
            if (multiValue)
            {
                if (header.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (header.Value.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }
                foreach (var item in header.Value.EnumerateArray())
                {
                    if (!TryScalar(item, out var text))
                    {
                        return false;
                    }
                    into.Add(new(header.Name, text));
                }
            }
            else
            {
                if (header.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (!TryScalar(header.Value, out var text))
                {
                    return false;
                }
                into.Add(new(header.Name, text));
            }
        }
        return true;
    }

    private static bool TryScalar(JsonElement value, out string text)
    {
        text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "",
        };
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;
    }

    /// <summary>The body as bytes: base64-decoded when <paramref name="decode"/> and the function said so; false when that fails.</summary>
    public bool TryGetBodyBytes(bool decode, out byte[] bytes)
    {
        var body = Body ?? "";
        if (IsBase64Encoded && decode)
        {
            bytes = new byte[body.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(body, bytes, out var written))
            {
                bytes = [];
                return false;
            }
            Array.Resize(ref bytes, written);
            return true;
        }
        bytes = Encoding.UTF8.GetBytes(body);
        return true;
    }
}
