using System.Collections.Immutable;
using System.Text.Json;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>Security schemes: the API key scheme, IAM (<c>awsSigv4</c>) and authorizers.</summary>
internal sealed partial class OpenApiImporter
{
    private const string WellKnownSuffix = "/.well-known/openid-configuration";

    /// <summary>What a security scheme means to API Gateway.</summary>
    /// <param name="IsApiKey">The <c>apiKey</c> scheme in header <c>x-api-key</c>: methods need an API key.</param>
    /// <param name="AuthorizationType">The method authorization type it gives (<c>CUSTOM</c>, <c>AWS_IAM</c>, ...), null if none.</param>
    /// <param name="Authorizer">The authorizer, if the scheme has <c>x-amazon-apigateway-authorizer</c>.</param>
    private sealed record SecurityScheme(bool IsApiKey, string? AuthorizationType, Authorizer? Authorizer);

    private ImmutableDictionary<string, Authorizer> ReadSecuritySchemes()
    {
        var (schemes, field) = _isOpenApi3
            ? (TryGet(_root, "components", out var components) ? GetObject(components, "securitySchemes", _label, "components.securitySchemes") : null,
               "components.securitySchemes")
            : (GetObject(_root, "securityDefinitions", _label, "securityDefinitions"), "securityDefinitions");
        var authorizers = ImmutableDictionary.CreateBuilder<string, Authorizer>(StringComparer.Ordinal);
        if (schemes is not { } found)
        {
            return authorizers.ToImmutable();
        }
        foreach (var entry in found.EnumerateObject())
        {
            var where = $"{_label}, security scheme '{entry.Name}'";
            var location = Join(field, entry.Name);
            if (Resolve(entry.Value, where) is not { } scheme || scheme.ValueKind != JsonValueKind.Object)
            {
                _diagnostics.Error(where, $"a security scheme must be an object, not {Describe(entry.Value.ValueKind)}.");
                continue;
            }
            var result = ReadSecurityScheme(entry.Name, scheme, where, location);
            _schemes[entry.Name] = result;
            if (result.Authorizer is { } authorizer)
            {
                authorizers[entry.Name] = authorizer;
            }
        }
        return authorizers.ToImmutable();
    }

    private SecurityScheme ReadSecurityScheme(string name, JsonElement scheme, string where, string location)
    {
        var type = GetString(scheme, "type", where, "type");
        var headerName = GetString(scheme, "name", where, "name");
        var @in = GetString(scheme, "in", where, "in");
        string? authType = null;
        if (TryExtension(scheme, location, "x-amazon-apigateway-authtype", out var authTypeValue))
        {
            authType = authTypeValue.ValueKind == JsonValueKind.String ? authTypeValue.GetString() : null;
            if (authType is null)
            {
                WrongType(where, "x-amazon-apigateway-authtype", "a string", authTypeValue);
            }
        }

        if (TryExtension(scheme, location, "x-amazon-apigateway-authorizer", out var authorizerValue))
        {
            var tokenHeader = string.Equals(@in, "header", StringComparison.OrdinalIgnoreCase) ? headerName : null;
            var authorizer = ReadAuthorizer(name, authorizerValue, scheme, tokenHeader, where, Join(location, "x-amazon-apigateway-authorizer"));
            if (authorizer is null)
            {
                return new SecurityScheme(false, null, null);
            }
            authorizer = authorizer with { AuthType = authType };
            var authorizationType = authorizer.Type switch
            {
                "cognito_user_pools" => "COGNITO_USER_POOLS",
                "jwt" => "JWT",
                _ => "CUSTOM",
            };
            return new SecurityScheme(false, authorizationType, authorizer);
        }

        // "awsSigv4" is reserved for IAM, "along with any term prefixed by aws" (the AWS developer guide).
        if (authType is not null && authType.StartsWith("aws", StringComparison.OrdinalIgnoreCase))
        {
            return new SecurityScheme(false, "AWS_IAM", null);
        }
        if (authType is null && type == "apiKey" && string.Equals(@in, "header", StringComparison.OrdinalIgnoreCase) &&
            string.Equals(headerName, "x-api-key", StringComparison.OrdinalIgnoreCase))
        {
            return new SecurityScheme(true, null, null);
        }
        _diagnostics.Warning(where, authType is null
            ? "not an API key scheme (apiKey in header x-api-key), and has no x-amazon-apigateway-authorizer or x-amazon-apigateway-authtype; methods using it get no authorization from it."
            : $"x-amazon-apigateway-authtype '{authType}' without x-amazon-apigateway-authorizer; methods using it get no authorization from it.");
        return new SecurityScheme(false, null, null);
    }

    private static readonly string[] AuthorizerFields =
    [
        "type", "authorizerUri", "authorizerCredentials", "identitySource", "identityValidationExpression",
        "authorizerResultTtlInSeconds", "providerARNs", "jwtConfiguration", "authorizerPayloadFormatVersion",
        "enableSimpleResponses",
    ];

    private Authorizer? ReadAuthorizer(string name, JsonElement value, JsonElement scheme, string? tokenHeader, string where, string location)
    {
        const string field = "x-amazon-apigateway-authorizer";
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(where, field, "an object", value);
            return null;
        }
        var type = GetString(value, "type", where, field + ".type")?.ToLowerInvariant();
        if (type is not ("token" or "request" or "cognito_user_pools" or "jwt"))
        {
            _diagnostics.Error(where, type is null
                ? $"{field}.type is missing."
                : $"{field}.type '{type}' is not one of token, request, cognito_user_pools, jwt.");
            return null;
        }

        var ttl = GetInt(value, "authorizerResultTtlInSeconds", where, field + ".authorizerResultTtlInSeconds");
        if (ttl is < 0 or > 3600)
        {
            _diagnostics.Error(where, $"{field}.authorizerResultTtlInSeconds {ttl} is outside 0..3600.");
        }
        var identitySource = GetString(value, "identitySource", where, field + ".identitySource");
        if (identitySource is null && type is ("token" or "cognito_user_pools") && !string.IsNullOrEmpty(tokenHeader))
        {
            // REST APIs take the token from the header the security scheme names.
            identitySource = "method.request.header." + tokenHeader;
        }

        string? issuer = null;
        var audience = ImmutableArray<string>.Empty;
        if (GetObject(value, "jwtConfiguration", where, field + ".jwtConfiguration") is { } jwt)
        {
            issuer = GetString(jwt, "issuer", where, field + ".jwtConfiguration.issuer");
            audience = GetStringArray(jwt, "audience", where, field + ".jwtConfiguration.audience");
        }
        // An openIdConnect scheme may leave the issuer to its discovery URL (the AWS developer guide).
        if (issuer is null && type == "jwt" && GetString(scheme, "openIdConnectUrl", where, "openIdConnectUrl") is { } discovery &&
            discovery.EndsWith(WellKnownSuffix, StringComparison.Ordinal))
        {
            issuer = discovery[..^WellKnownSuffix.Length];
        }
        if (type == "jwt" && issuer is null)
        {
            _diagnostics.Error(where, $"{field}.jwtConfiguration.issuer is missing.");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (Array.IndexOf(AuthorizerFields, property.Name) < 0)
            {
                KeepUnread(location, property.Name, property.Value);
            }
        }

        return new Authorizer
        {
            Name = name,
            Type = type,
            AuthorizerUri = FillPseudoParameters(GetString(value, "authorizerUri", where, field + ".authorizerUri"), where, field + ".authorizerUri"),
            AuthorizerCredentials = FillPseudoParameters(GetString(value, "authorizerCredentials", where, field + ".authorizerCredentials"), where, field + ".authorizerCredentials"),
            IdentitySource = identitySource,
            IdentityValidationExpression = GetString(value, "identityValidationExpression", where, field + ".identityValidationExpression"),
            ResultTtlInSeconds = ttl,
            ProviderArns = FillPseudoParameters(GetStringArray(value, "providerARNs", where, field + ".providerARNs"), where, field + ".providerARNs"),
            JwtIssuer = issuer,
            JwtAudience = audience,
            PayloadFormatVersion = GetString(value, "authorizerPayloadFormatVersion", where, field + ".authorizerPayloadFormatVersion"),
            EnableSimpleResponses = GetBool(value, "enableSimpleResponses", where, field + ".enableSimpleResponses") ?? false,
        };
    }
}
