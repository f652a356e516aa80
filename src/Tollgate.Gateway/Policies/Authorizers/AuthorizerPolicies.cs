using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Cognito;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Policies.Authorizers.Jwt;
using Tollgate.Gateway.Policies.Authorizers.Lambda;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>
/// The authorizer row of <see cref="Config.PolicyOrder"/>: compiles a method's authorization
/// (<c>AWS_IAM</c>, <c>CUSTOM</c> Lambda TOKEN / REQUEST, <c>COGNITO_USER_POOLS</c>, <c>JWT</c>)
/// into its policy, once per snapshot. A method whose authorizer cannot be compiled fails
/// closed (500) rather than serve unchecked.
/// </summary>
internal static class AuthorizerPolicies
{
    /// <summary>How long a Lambda authorizer may take. AWS does not document a REST figure; HTTP APIs allow 10 s.</summary>
    public static readonly TimeSpan LambdaTimeout = TimeSpan.FromSeconds(10);

    private const string Category = "Tollgate.Authorizers";

    public static IAuthorizer? Create(MethodCompilation c)
    {
        var type = c.Method.AuthorizationType.ToUpperInvariant();
        if (type == "NONE")
        {
            return null;
        }
        var logger = c.LoggerFactory.CreateLogger(Category);
        if (type == "AWS_IAM")
        {
            return new AwsIamAuthorizerPolicy(AuthorizerRuntime.For(c).Iam, c.Config.Server.MaxRequestBodyBytes, logger);
        }
        if (c.Method.AuthorizerId is not { } id || !c.Api.Authorizers.TryGetValue(id, out var authorizer))
        {
            c.Diagnostics.Error(c.Location, $"authorization type {c.Method.AuthorizationType} needs an authorizer, and '{c.Method.AuthorizerId}' is not defined.");
            return null;
        }
        var location = $"{c.Location}, authorizer '{id}'";
        return (type, authorizer.Type) switch
        {
            ("CUSTOM", "token" or "request") => CreateLambda(c, authorizer, location, logger),
            ("COGNITO_USER_POOLS", "cognito_user_pools") or ("JWT", "jwt") => CreateJwt(c, authorizer, location, logger),
            _ => Mismatch(c, authorizer, location),
        };
    }

    private static IAuthorizer? Mismatch(MethodCompilation c, Authorizer authorizer, string location)
    {
        c.Diagnostics.Error(location, $"authorization type {c.Method.AuthorizationType} does not go with an authorizer of type {authorizer.Type}.");
        return null;
    }

    private static IAuthorizer? CreateLambda(MethodCompilation c, Authorizer authorizer, string location, ILogger logger)
    {
        var isToken = authorizer.Type == "token";
        var httpApi = c.Profile.HttpApiAuthorizers;
        var format = httpApi ? HttpApiFormat(c, authorizer, location) : isToken ? LambdaAuthorizerFormat.Token : LambdaAuthorizerFormat.Request;
        var sources = httpApi
            ? IdentitySources.CompileHttpApi(authorizer.IdentitySource, location, c.Diagnostics)
            : IdentitySources.Compile(authorizer.IdentitySource, isToken, location, c.Diagnostics);
        if (!LambdaFunctions.TryGetFunction(authorizer.AuthorizerUri, out var function))
        {
            c.Diagnostics.Error(location, $"authorizerUri '{authorizer.AuthorizerUri}' does not name a Lambda function (arn:aws:apigateway:{{region}}:lambda:path/2015-03-31/functions/{{function ARN}}/invocations).");
            return null;
        }
        var endpoint = LambdaFunctions.Endpoint(c.Config.Lambda, function, out var problem);
        if (endpoint is null && c.Config.Lambda.Endpoint is not null)
        {
            c.Diagnostics.Error(location, problem + ".");
            return null;
        }
        if (endpoint is null)
        {
            c.Diagnostics.Warning(location, LambdaFunctions.NoEndpointWarning(function));
        }
        Regex? expression = null;
        if (!string.IsNullOrEmpty(authorizer.IdentityValidationExpression))
        {
            if (!isToken || httpApi)
            {
                c.Diagnostics.Warning(location, "identityValidationExpression applies to REST TOKEN authorizers only; API Gateway ignores it here.");
            }
            else
            {
                try
                {
                    // API Gateway matches the whole token (Java's Pattern.matches).
                    expression = new Regex("^(?:" + authorizer.IdentityValidationExpression + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    c.Diagnostics.Error(location, $"identityValidationExpression is not a valid regular expression: {e.Message}");
                }
            }
        }
        var ttlSeconds = authorizer.ResultTtlInSeconds ?? Authorizer.DefaultResultTtlInSeconds;
        if (ttlSeconds is < 0 or > 3600)
        {
            c.Diagnostics.Error(location, $"authorizerResultTtlInSeconds {ttlSeconds} is outside 0..3600.");
        }
        if (sources is null || format is null || c.Diagnostics.HasErrors)
        {
            return null;
        }
        if (!isToken && sources.Count == 0 && ttlSeconds > 0)
        {
            // AWS: "To enable caching, your authorizer must have at least one identity source."
            c.Diagnostics.Warning(location, "a REQUEST authorizer with caching needs identity sources to key its cache; caching is off for it.");
            ttlSeconds = 0;
        }
        var settings = new LambdaAuthorizerSettings
        {
            Name = authorizer.Name,
            Format = format.Value,
            SimpleResponses = authorizer.EnableSimpleResponses,
            Function = function,
            Endpoint = endpoint,
            Credentials = c.Config.Lambda.Credentials,
            Ttl = TimeSpan.FromSeconds(Math.Clamp(ttlSeconds, 0, 3600)),
            ValidationExpression = expression,
            // An unchanged authorizer keeps its cached results across reloads.
            CacheScope = string.Join('\n', c.Api.Id, authorizer.Name, authorizer.Type, function, authorizer.IdentitySource ?? "", format, authorizer.EnableSimpleResponses),
            Timeout = LambdaTimeout,
        };
        return new LambdaAuthorizerPolicy(settings, sources, AuthorizerRuntime.For(c), c.Services.Lambda, c.Services.Authorizers.Results, logger);
    }

    /// <summary>
    /// HTTP APIs have REQUEST Lambda authorizers only, with <c>authorizerPayloadFormatVersion</c>
    /// 1.0 or 2.0 (required by AWS) and <c>enableSimpleResponses</c> only with 2.0.
    /// </summary>
    private static LambdaAuthorizerFormat? HttpApiFormat(MethodCompilation c, Authorizer authorizer, string location)
    {
        if (authorizer.Type != "request")
        {
            c.Diagnostics.Error(location, "HTTP APIs have REQUEST Lambda authorizers (type request) only, not TOKEN.");
            return null;
        }
        switch (authorizer.PayloadFormatVersion)
        {
            case "2.0":
                return LambdaAuthorizerFormat.HttpApiV2;
            case "1.0" when authorizer.EnableSimpleResponses:
                c.Diagnostics.Error(location, "enableSimpleResponses needs authorizerPayloadFormatVersion 2.0; format 1.0 answers with an IAM policy.");
                return null;
            case "1.0":
                return LambdaAuthorizerFormat.HttpApiV1;
            default:
                c.Diagnostics.Error(location, $"an HTTP API Lambda authorizer needs authorizerPayloadFormatVersion 1.0 or 2.0, not '{authorizer.PayloadFormatVersion}'.");
                return null;
        }
    }

    private static IAuthorizer? CreateJwt(MethodCompilation c, Authorizer authorizer, string location, ILogger logger)
    {
        var settings = JwtAuthorizerSettings.FromAuthorizer(authorizer);
        if (settings is null)
        {
            c.Diagnostics.Error(location, authorizer.Type == "jwt"
                ? "a JWT authorizer needs jwtConfiguration.issuer."
                : "providerARNs must name at least one user pool (arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}).");
            return null;
        }
        settings = settings with { JwksUris = c.Config.Jwt.JwksUris };
        var header = HeaderOf(authorizer.IdentitySource);
        if (header is null)
        {
            c.Diagnostics.Error(location, $"identitySource '{authorizer.IdentitySource}' must be one method.request.header.Name (or $request.header.Name).");
            return null;
        }
        var scopes = c.Method.AuthorizationScopes.IsDefault ? [] : c.Method.AuthorizationScopes;
        return new CognitoAuthorizerPolicy(authorizer.Name, header, settings, scopes, AuthorizerRuntime.For(c).Jwt, logger);
    }

    /// <summary>The header of <c>method.request.header.X</c> (REST) or <c>$request.header.X</c> (HTTP APIs); default Authorization.</summary>
    private static string? HeaderOf(string? identitySource)
    {
        var source = identitySource?.Trim();
        if (string.IsNullOrEmpty(source))
        {
            return "Authorization";
        }
        foreach (var prefix in (ReadOnlySpan<string>)["method.request.header.", "$request.header."])
        {
            if (source.StartsWith(prefix, StringComparison.Ordinal) && source.Length > prefix.Length && !source.Contains(',', StringComparison.Ordinal))
            {
                return source[prefix.Length..];
            }
        }
        return null;
    }
}
