using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Policies.Authorizers.Jwt;

/// <summary>Which of API Gateway's two JWT-validating authorizers a setting describes.</summary>
internal enum JwtAuthorizerKind
{
    /// <summary>HTTP API <c>JWT</c> authorizer: any OIDC issuer, audience from <c>aud</c> or <c>client_id</c>.</summary>
    Jwt,

    /// <summary>
    /// REST API <c>COGNITO_USER_POOLS</c> authorizer: without method scopes it takes ID tokens
    /// (<c>token_use</c> = <c>id</c>); with scopes it takes access tokens (<c>token_use</c> =
    /// <c>access</c>), as AWS's troubleshooting guide for Cognito 401s states.
    /// </summary>
    CognitoUserPools,
}

/// <summary>What one authorizer accepts, compiled from the <see cref="Authorizer"/> model.</summary>
internal sealed record JwtAuthorizerSettings
{
    /// <summary>Leeway for <c>exp</c>, <c>nbf</c> and <c>iat</c>: 60 seconds. AWS documents none; a minute absorbs ordinary clock drift without extending tokens meaningfully.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(60);

    public required JwtAuthorizerKind Kind { get; init; }

    /// <summary>Accepted issuers, compared exactly with <c>iss</c>.</summary>
    public required ImmutableArray<string> Issuers { get; init; }

    /// <summary>Accepted audiences (<c>aud</c>, or <c>client_id</c> of access tokens). Empty: not checked (Cognito authorizers have no audience setting).</summary>
    public ImmutableArray<string> Audiences { get; init; } = [];

    /// <summary>Signature algorithms accepted. Never <c>none</c> or HMAC: these authorizers verify with the issuer's public keys.</summary>
    public FrozenAlgorithms Algorithms { get; init; } = FrozenAlgorithms.Asymmetric;

    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    /// <summary>JWKS URLs by issuer that replace discovery (the config's <c>jwks</c> map); empty: discover every issuer.</summary>
    public ImmutableDictionary<string, string> JwksUris { get; init; } = ImmutableDictionary<string, string>.Empty;

    public string? JwksUriFor(string issuer) => JwksUris.Count != 0 && JwksUris.TryGetValue(issuer, out var uri) ? uri : null;

    /// <summary>Builds settings from a <c>jwt</c> or <c>cognito_user_pools</c> authorizer; null for other types or missing issuer.</summary>
    public static JwtAuthorizerSettings? FromAuthorizer(Authorizer authorizer)
    {
        switch (authorizer.Type)
        {
            case "jwt" when !string.IsNullOrEmpty(authorizer.JwtIssuer):
                return new JwtAuthorizerSettings
                {
                    Kind = JwtAuthorizerKind.Jwt,
                    Issuers = [authorizer.JwtIssuer],
                    Audiences = authorizer.JwtAudience.IsDefault ? [] : authorizer.JwtAudience,
                };
            case "cognito_user_pools":
                var issuers = ImmutableArray.CreateBuilder<string>();
                foreach (var arn in authorizer.ProviderArns.IsDefault ? [] : authorizer.ProviderArns)
                {
                    if (CognitoIssuer(arn) is { } issuer)
                    {
                        issuers.Add(issuer);
                    }
                }
                return issuers.Count == 0 ? null : new JwtAuthorizerSettings
                {
                    Kind = JwtAuthorizerKind.CognitoUserPools,
                    Issuers = issuers.ToImmutable(),
                };
            default:
                return null;
        }
    }

    /// <summary><c>arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}</c> → <c>https://cognito-idp.{region}.amazonaws.com/{poolId}</c>.</summary>
    public static string? CognitoIssuer(string providerArn)
    {
        var parts = providerArn.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "cognito-idp" || !parts[5].StartsWith("userpool/", StringComparison.Ordinal))
        {
            return null;
        }
        return $"https://cognito-idp.{parts[3]}.amazonaws.com/{parts[5]["userpool/".Length..]}";
    }
}

/// <summary>A fixed set of JWS algorithm names.</summary>
internal sealed class FrozenAlgorithms
{
    private readonly string[] _names;

    public FrozenAlgorithms(params string[] names) => _names = names;

    /// <summary>RS256/384/512, PS256/384/512, ES256/384/512.</summary>
    public static FrozenAlgorithms Asymmetric { get; } =
        new("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    public bool Contains(ReadOnlySpan<char> alg)
    {
        foreach (var n in _names)
        {
            if (alg.SequenceEqual(n))
            {
                return true;
            }
        }
        return false;
    }
}
