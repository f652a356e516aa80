using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>The pieces the 1.0 and 2.0 proxy events share.</summary>
internal static class ProxyEventParts
{
    /// <summary>Payload 2.0 <c>headers</c>: names in lower case, repeated values joined with commas; null when there are none.</summary>
    public static void WriteV2Headers(Utf8JsonWriter json, IHeaderDictionary headers, string? skip = null)
    {
        if (headers.Count == 0)
        {
            json.WriteNull("headers");
            return;
        }
        json.WriteStartObject("headers");
        foreach (var (key, values) in headers)
        {
            if (skip is not null && string.Equals(key, skip, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            json.WriteString(key.ToLowerInvariant(), values.ToString());
        }
        json.WriteEndObject();
    }

    /// <summary>One field of a payload 1.0 map: every value as an array (the multi-value map), else the last one.</summary>
    private static void WriteValues(Utf8JsonWriter json, string name, Microsoft.Extensions.Primitives.StringValues values, bool multiValue)
    {
        if (multiValue)
        {
            json.WriteStartArray(name);
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }
            json.WriteEndArray();
        }
        else
        {
            json.WriteString(name, values.Count > 0 ? values[^1] : "");
        }
    }

    /// <summary>
    /// Payload 1.0 <c>headers</c> (the last value of a repeated header) or <c>multiValueHeaders</c>:
    /// the client's headers less those API Gateway strips before a Lambda integration
    /// (<see cref="HeaderRules.ClientRequest"/>: Content-MD5, Expect, Max-Forwards, Server,
    /// WWW-Authenticate, hop-by-hop), then the ones it adds: <c>X-Amzn-Trace-Id</c> and
    /// <c>X-Forwarded-For/Port/Proto</c> (the client's own <c>X-Forwarded-*</c> give way to them).
    /// </summary>
    public static void WriteV1Headers(Utf8JsonWriter json, RequestContext context, bool multiValue)
    {
        var request = context.Http.Request;
        json.WriteStartObject(multiValue ? "multiValueHeaders" : "headers");
        foreach (var (key, values) in request.Headers)
        {
            if (HeaderRules.ClientRequest(key, HeaderTarget.Lambda) != HeaderAction.Pass || HeaderRules.IsForwarded(key)
                || string.Equals(key, TraceIds.Header, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            WriteValues(json, key, values, multiValue);
        }
        Added(json, TraceIds.Header, context.TraceId, multiValue);
        if (ForwarderErrors.ForwardedFor(context) is { } forwardedFor)
        {
            Added(json, "X-Forwarded-For", forwardedFor, multiValue);
        }
        Added(json, "X-Forwarded-Port", HttpForwarder.ForwardedPort(context.Http), multiValue);
        Added(json, "X-Forwarded-Proto", request.Scheme, multiValue);
        json.WriteEndObject();
    }

    private static void Added(Utf8JsonWriter json, string name, string value, bool multiValue) =>
        WriteValues(json, name, value, multiValue);

    public static void WriteQuery(Utf8JsonWriter json, IQueryCollection query, string name, bool multiValue, bool joinWithCommas)
    {
        if (query.Count == 0)
        {
            if (!joinWithCommas)
            {
                json.WriteNull(name);
            }
            return;
        }
        json.WriteStartObject(name);
        foreach (var (key, values) in query)
        {
            if (joinWithCommas && !multiValue)
            {
                json.WriteString(key, string.Join(',', values.ToArray()));
            }
            else
            {
                WriteValues(json, key, values, multiValue);
            }
        }
        json.WriteEndObject();
    }

    /// <summary>The <c>pathParameters</c> object: decoded, or (<paramref name="raw"/>: REST APIs) as the client sent them.</summary>
    public static void WritePathParameters(Utf8JsonWriter json, RequestContext context, bool nullWhenNone, bool raw = false)
    {
        var names = context.Method?.PathParameterNames ?? [];
        if (names.Length == 0)
        {
            if (nullWhenNone)
            {
                json.WriteNull("pathParameters");
            }
            return;
        }
        json.WriteStartObject("pathParameters");
        foreach (var name in names)
        {
            json.WriteString(name, raw ? context.GetRawPathParameter(name) : context.GetPathParameter(name));
        }
        json.WriteEndObject();
    }

    public static void WriteStageVariables(Utf8JsonWriter json, RequestContext context, bool nullWhenNone)
    {
        var variables = context.Stage?.Variables;
        if (variables is null || variables.Count == 0)
        {
            if (nullWhenNone)
            {
                json.WriteNull("stageVariables");
            }
            return;
        }
        json.WriteStartObject("stageVariables");
        foreach (var (key, value) in variables)
        {
            json.WriteString(key, value);
        }
        json.WriteEndObject();
    }

    public static void WriteBody(Utf8JsonWriter json, ProxyEventInput input, bool omitWhenEmpty = false)
    {
        if (input.Body.Length == 0)
        {
            if (!omitWhenEmpty)
            {
                json.WriteNull("body");
            }
        }
        else if (input.IsBinary)
        {
            json.WriteBase64String("body", input.Body.Span);
        }
        else
        {
            json.WriteString("body", input.Body.Text);
        }
        json.WriteBoolean("isBase64Encoded", input.IsBinary && input.Body.Length > 0);
    }

    /// <summary>Writes JSON-like values: strings, numbers, booleans, dictionaries, lists, JSON elements.</summary>
    public static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case double d:
                json.WriteNumberValue(d);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case JsonElement e:
                e.WriteTo(json);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                json.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    json.WritePropertyName(k);
                    WriteValue(json, v);
                }
                json.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, string>> strings:
                json.WriteStartObject();
                foreach (var (k, v) in strings)
                {
                    json.WriteString(k, v);
                }
                json.WriteEndObject();
                break;
            case IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(json, item);
                }
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
