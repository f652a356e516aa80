using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary><c>x-amazon-apigateway-integration</c>.</summary>
internal sealed partial class OpenApiImporter
{
    private const string IntegrationField = "x-amazon-apigateway-integration";

    /// <summary>REST APIs: 50 ms to 29 s. HTTP APIs: 50 ms to 30 s.</summary>
    private const int MinTimeoutInMillis = 50;
    private const int MaxHttpApiTimeoutInMillis = 30_000;

    private static readonly string[] IntegrationFields =
    [
        "type", "uri", "httpMethod", "connectionType", "connectionId", "credentials", "requestParameters",
        "requestTemplates", "passthroughBehavior", "contentHandling", "cacheNamespace", "cacheKeyParameters",
        "timeoutInMillis", "responses", "payloadFormatVersion", "tlsConfig", "responseParameters",
    ];

    private static readonly string[] ResponseFields = ["statusCode", "responseParameters", "responseTemplates", "contentHandling"];

    private Integration? ReadIntegration(JsonElement value, string where, string location)
    {
        // HTTP API exports may share integrations: {"$ref": "#/components/x-amazon-apigateway-integrations/name"}.
        if (TryGet(value, "$ref", out _))
        {
            _consumed.Add(("components", "x-amazon-apigateway-integrations"));
            if (Resolve(value, where) is not { } resolved)
            {
                return null;
            }
            value = resolved;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(where, IntegrationField, "an object", value);
            return null;
        }

        var typeText = GetString(value, "type", where, IntegrationField + ".type");
        IntegrationType? type = typeText?.ToUpperInvariant() switch
        {
            "MOCK" => IntegrationType.Mock,
            "HTTP" => IntegrationType.Http,
            "HTTP_PROXY" => IntegrationType.HttpProxy,
            "AWS" => IntegrationType.Aws,
            "AWS_PROXY" => IntegrationType.AwsProxy,
            _ => null,
        };
        if (type is null)
        {
            _diagnostics.Error(where, typeText is null
                ? $"{IntegrationField}.type is missing."
                : $"{IntegrationField}.type '{typeText}' is not one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY.");
        }

        var integration = new Integration
        {
            Type = type ?? IntegrationType.Mock,
            Uri = FillPseudoParameters(GetString(value, "uri", where, IntegrationField + ".uri"), where, IntegrationField + ".uri"),
            HttpMethod = GetString(value, "httpMethod", where, IntegrationField + ".httpMethod")?.ToUpperInvariant(),
            ConnectionType = ReadConnectionType(value, where),
            ConnectionId = GetString(value, "connectionId", where, IntegrationField + ".connectionId"),
            Credentials = FillPseudoParameters(GetString(value, "credentials", where, IntegrationField + ".credentials"), where, IntegrationField + ".credentials"),
            RequestParameters = GetStringMap(value, "requestParameters", where, IntegrationField + ".requestParameters"),
            ResponseParameters = ReadHttpApiResponseParameters(value, where),
            RequestTemplates = GetStringMap(value, "requestTemplates", where, IntegrationField + ".requestTemplates"),
            PassthroughBehavior = ReadPassthroughBehavior(value, where),
            ContentHandling = ReadContentHandling(value, where, IntegrationField + ".contentHandling"),
            CacheNamespace = GetString(value, "cacheNamespace", where, IntegrationField + ".cacheNamespace"),
            CacheKeyParameters = GetStringArray(value, "cacheKeyParameters", where, IntegrationField + ".cacheKeyParameters"),
            TimeoutInMillis = ReadTimeout(value, where),
            Responses = ReadIntegrationResponses(value, where, location),
            PayloadFormatVersion = ReadPayloadFormatVersion(value, where),
            InsecureSkipVerification = ReadTlsConfig(value, where, location),
        };

        foreach (var property in value.EnumerateObject())
        {
            if (Array.IndexOf(IntegrationFields, property.Name) < 0)
            {
                KeepUnread(location, property.Name, property.Value);
            }
        }
        return type is null ? null : integration;
    }

    /// <summary>HTTP APIs: <c>responseParameters</c> keyed by status code, each a map of mappings.</summary>
    private ImmutableDictionary<string, ImmutableDictionary<string, string>> ReadHttpApiResponseParameters(JsonElement value, string where)
    {
        const string Field = IntegrationField + ".responseParameters";
        if (GetObject(value, "responseParameters", where, Field) is not { } byStatus)
        {
            return ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;
        }
        if (_protocol != ApiProtocol.Http)
        {
            _diagnostics.Warning(where, $"{Field} belongs to HTTP APIs; REST APIs map responses in integration responses. Ignored.");
            return ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;
        }
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var entry in byStatus.EnumerateObject())
        {
            builder[entry.Name] = GetStringMap(byStatus, entry.Name, where, $"{Field}['{entry.Name}']");
        }
        return builder.ToImmutable();
    }

    private string? ReadConnectionType(JsonElement value, string where)
    {
        var text = GetString(value, "connectionType", where, IntegrationField + ".connectionType");
        var upper = text?.ToUpperInvariant();
        if (upper is null or "INTERNET" or "VPC_LINK")
        {
            return upper;
        }
        _diagnostics.Error(where, $"{IntegrationField}.connectionType '{text}' is not one of INTERNET, VPC_LINK.");
        return null;
    }

    private PassthroughBehavior ReadPassthroughBehavior(JsonElement value, string where)
    {
        var text = GetString(value, "passthroughBehavior", where, IntegrationField + ".passthroughBehavior");
        switch (text?.ToUpperInvariant())
        {
            case null or "WHEN_NO_MATCH":
                return PassthroughBehavior.WhenNoMatch;
            case "WHEN_NO_TEMPLATES":
                return PassthroughBehavior.WhenNoTemplates;
            case "NEVER":
                return PassthroughBehavior.Never;
            default:
                _diagnostics.Error(where, $"{IntegrationField}.passthroughBehavior '{text}' is not one of when_no_match, when_no_templates, never.");
                return PassthroughBehavior.WhenNoMatch;
        }
    }

    private ContentHandling? ReadContentHandling(JsonElement value, string where, string field)
    {
        var text = GetString(value, "contentHandling", where, field);
        switch (text?.ToUpperInvariant())
        {
            case null:
                return null;
            case "CONVERT_TO_BINARY":
                return ContentHandling.ConvertToBinary;
            case "CONVERT_TO_TEXT":
                return ContentHandling.ConvertToText;
            default:
                _diagnostics.Error(where, $"{field} '{text}' is not one of CONVERT_TO_BINARY, CONVERT_TO_TEXT.");
                return null;
        }
    }

    private int ReadTimeout(JsonElement value, string where)
    {
        var timeout = GetInt(value, "timeoutInMillis", where, IntegrationField + ".timeoutInMillis");
        var max = _protocol == ApiProtocol.Http ? MaxHttpApiTimeoutInMillis : Integration.DefaultTimeoutInMillis;
        if (timeout is { } given && (given < MinTimeoutInMillis || given > max))
        {
            _diagnostics.Error(where, $"{IntegrationField}.timeoutInMillis {given} is outside {MinTimeoutInMillis}..{max} ({(_protocol == ApiProtocol.Http ? "HTTP APIs" : "REST APIs")}).");
            return Integration.DefaultTimeoutInMillis;
        }
        // HTTP APIs default to their maximum, 30 s; REST APIs to 29 s.
        return timeout ?? (_protocol == ApiProtocol.Http ? MaxHttpApiTimeoutInMillis : Integration.DefaultTimeoutInMillis);
    }

    private string? ReadPayloadFormatVersion(JsonElement value, string where)
    {
        var version = GetVersion(value, "payloadFormatVersion", where, IntegrationField + ".payloadFormatVersion");
        if (version is null or "1.0" or "2.0")
        {
            return version;
        }
        _diagnostics.Error(where, $"{IntegrationField}.payloadFormatVersion '{version}' is not one of 1.0, 2.0.");
        return null;
    }

    private bool ReadTlsConfig(JsonElement value, string where, string location)
    {
        if (GetObject(value, "tlsConfig", where, IntegrationField + ".tlsConfig") is not { } tls)
        {
            return false;
        }
        foreach (var property in tls.EnumerateObject())
        {
            if (property.Name != "insecureSkipVerification")
            {
                KeepUnread(Join(location, "tlsConfig"), property.Name, property.Value);
            }
        }
        return GetBool(tls, "insecureSkipVerification", where, IntegrationField + ".tlsConfig.insecureSkipVerification") ?? false;
    }

    /// <summary>The responses in document order: API Gateway tries the selection patterns in turn.</summary>
    private ImmutableArray<IntegrationResponse> ReadIntegrationResponses(JsonElement value, string where, string location)
    {
        if (GetObject(value, "responses", where, IntegrationField + ".responses") is not { } responses)
        {
            return [];
        }
        var builder = ImmutableArray.CreateBuilder<IntegrationResponse>();
        foreach (var entry in responses.EnumerateObject())
        {
            var field = $"{IntegrationField}.responses['{entry.Name}']";
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                WrongType(where, field, "an object", entry.Value);
                continue;
            }
            var status = ReadStatusCode(entry.Value, where, field + ".statusCode");
            if (status is null)
            {
                continue;
            }
            foreach (var property in entry.Value.EnumerateObject())
            {
                if (Array.IndexOf(ResponseFields, property.Name) < 0)
                {
                    KeepUnread($"{location}.responses.{entry.Name}", property.Name, property.Value);
                }
            }
            builder.Add(new IntegrationResponse
            {
                SelectionPattern = entry.Name,
                StatusCode = status,
                ResponseParameters = GetStringMap(entry.Value, "responseParameters", where, field + ".responseParameters"),
                ResponseTemplates = GetStringMap(entry.Value, "responseTemplates", where, field + ".responseTemplates"),
                ContentHandling = ReadContentHandling(entry.Value, where, field + ".contentHandling"),
            });
        }
        return builder.ToImmutable();
    }

    /// <summary>A status code written as a string (<c>"200"</c>, as AWS exports) or a number (hand-written YAML).</summary>
    private string? ReadStatusCode(JsonElement obj, string where, string field)
    {
        if (!TryGet(obj, "statusCode", out var value))
        {
            _diagnostics.Error(where, $"{field} is missing.");
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            WrongType(where, field, "a string or number", value);
            return null;
        }
        if (text.Length != 3 || text[0] is < '1' or > '5' || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[2]))
        {
            _diagnostics.Error(where, $"{field} '{text}' is not an HTTP status code (100..599).");
            return null;
        }
        return text;
    }
}
