using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>Top-level <c>x-amazon-apigateway-*</c> extensions.</summary>
internal sealed partial class OpenApiImporter
{
    /// <summary>API Gateway's limit for <c>minimumCompressionSize</c>: 10 MB.</summary>
    private const int MaxMinimumCompressionSize = 10 * 1024 * 1024;

    private Api ReadApiExtensions(Api api)
    {
        if (TryExtension(_root, "", "x-amazon-apigateway-api-key-source", out var source))
        {
            api = api with { ApiKeySource = ReadApiKeySource(source) };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-binary-media-types", out _))
        {
            // Media types are stored with '/' escaped as "~1" by the management API ("*~1*"); accept both.
            api = api with
            {
                BinaryMediaTypes = [.. GetStringArray(_root, "x-amazon-apigateway-binary-media-types", _label, "x-amazon-apigateway-binary-media-types")
                    .Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))],
            };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-minimum-compression-size", out _))
        {
            var size = GetInt(_root, "x-amazon-apigateway-minimum-compression-size", _label, "x-amazon-apigateway-minimum-compression-size");
            if (size is < 0 or > MaxMinimumCompressionSize)
            {
                _diagnostics.Error(_label, $"x-amazon-apigateway-minimum-compression-size {size} is outside 0..{MaxMinimumCompressionSize}.");
                size = null;
            }
            api = api with { MinimumCompressionSize = size };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-policy", out var policy))
        {
            api = api with { Policy = policy.Clone() };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-cors", out var cors))
        {
            if (cors.ValueKind != JsonValueKind.Object)
            {
                WrongType(_label, "x-amazon-apigateway-cors", "an object", cors);
            }
            else if (_protocol != ApiProtocol.Http)
            {
                _diagnostics.Warning(_label, "x-amazon-apigateway-cors applies to HTTP APIs; REST APIs answer preflight with OPTIONS methods. Kept, but a REST API does not use it.");
            }
            api = api with { Cors = cors.Clone() };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-endpoint-configuration", out var endpoint))
        {
            api = api with { EndpointConfiguration = endpoint.Clone() };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-request-validators", out var validators))
        {
            api = api with { RequestValidators = ReadRequestValidators(validators) };
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-request-validator", out var validator))
        {
            if (validator.ValueKind == JsonValueKind.String)
            {
                api = api with { DefaultRequestValidator = validator.GetString() };
            }
            else
            {
                WrongType(_label, "x-amazon-apigateway-request-validator", "a string", validator);
            }
        }
        if (TryExtension(_root, "", "x-amazon-apigateway-gateway-responses", out var responses))
        {
            api = api with { GatewayResponses = ReadGatewayResponses(responses) };
        }
        return api;
    }

    private ApiKeySource ReadApiKeySource(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        switch (text?.ToUpperInvariant())
        {
            case "HEADER":
                return ApiKeySource.Header;
            case "AUTHORIZER":
                return ApiKeySource.Authorizer;
            case null:
                WrongType(_label, "x-amazon-apigateway-api-key-source", "a string", value);
                return ApiKeySource.Header;
            default:
                _diagnostics.Error(_label, $"x-amazon-apigateway-api-key-source '{text}' is not one of HEADER, AUTHORIZER.");
                return ApiKeySource.Header;
        }
    }

    private ImmutableDictionary<string, RequestValidator> ReadRequestValidators(JsonElement value)
    {
        const string field = "x-amazon-apigateway-request-validators";
        var builder = ImmutableDictionary.CreateBuilder<string, RequestValidator>(StringComparer.Ordinal);
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(_label, field, "an object", value);
            return builder.ToImmutable();
        }
        foreach (var entry in value.EnumerateObject())
        {
            var where = $"{_label}, request validator '{entry.Name}'";
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                WrongType(where, $"{field}['{entry.Name}']", "an object", entry.Value);
                continue;
            }
            foreach (var property in entry.Value.EnumerateObject())
            {
                if (property.Name is not ("validateRequestBody" or "validateRequestParameters"))
                {
                    KeepUnread(Join(field, entry.Name), property.Name, property.Value);
                }
            }
            builder[entry.Name] = new RequestValidator
            {
                ValidateRequestBody = GetBool(entry.Value, "validateRequestBody", where, "validateRequestBody") ?? false,
                ValidateRequestParameters = GetBool(entry.Value, "validateRequestParameters", where, "validateRequestParameters") ?? false,
            };
        }
        return builder.ToImmutable();
    }

    private ImmutableDictionary<GatewayResponseType, GatewayResponse> ReadGatewayResponses(JsonElement value)
    {
        const string field = "x-amazon-apigateway-gateway-responses";
        var builder = ImmutableDictionary.CreateBuilder<GatewayResponseType, GatewayResponse>();
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(_label, field, "an object", value);
            return builder.ToImmutable();
        }
        foreach (var entry in value.EnumerateObject())
        {
            var where = $"{_label}, gateway response '{entry.Name}'";
            // Names are API Gateway's, upper case; Enum.TryParse alone would also take "3" or "throttled".
            if (!Enum.TryParse<GatewayResponseType>(entry.Name, out var type) || type.ToString() != entry.Name)
            {
                _diagnostics.Error(where, $"'{entry.Name}' is not a gateway response type (e.g. DEFAULT_4XX, UNAUTHORIZED, THROTTLED).");
                continue;
            }
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                WrongType(where, $"{field}['{entry.Name}']", "an object", entry.Value);
                continue;
            }
            int? status = null;
            if (TryGet(entry.Value, "statusCode", out _) && ReadStatusCode(entry.Value, where, "statusCode") is { } text)
            {
                status = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            }
            foreach (var property in entry.Value.EnumerateObject())
            {
                if (property.Name is not ("statusCode" or "responseParameters" or "responseTemplates"))
                {
                    KeepUnread(Join(field, entry.Name), property.Name, property.Value);
                }
            }
            builder[type] = new GatewayResponse
            {
                StatusCode = status,
                ResponseParameters = GetStringMap(entry.Value, "responseParameters", where, "responseParameters"),
                ResponseTemplates = GetStringMap(entry.Value, "responseTemplates", where, "responseTemplates"),
            };
        }
        return builder.ToImmutable();
    }
}
