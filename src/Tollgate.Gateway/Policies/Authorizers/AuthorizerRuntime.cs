using System.Runtime.CompilerServices;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Policies.Authorizers.Jwt;
using Tollgate.Gateway.SigV4;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>
/// What every authorizer of one compiled config shares, built once per config (not per method):
/// the region and account of method ARNs, the IAM credential store with its SigV4 verifier, and
/// the JWT validator over the long-lived JWKS and verified token caches.
/// </summary>
internal sealed class AuthorizerRuntime
{
    /// <summary>The region of method ARNs when none is configured (SigV4 methods use the caller's scope instead).</summary>
    public const string FallbackRegion = "us-east-1";

    private static readonly ConditionalWeakTable<GatewayConfig, AuthorizerRuntime> PerConfig = [];

    private readonly Lazy<IamAuthorizer> _iam;
    private readonly GatewayServices _services;

    private AuthorizerRuntime(GatewayConfig config, GatewayServices services, DiagnosticBag diagnostics)
    {
        Config = config;
        _services = services;
        Region = config.Region;
        AccountId = config.AccountId;
        Jwt = new JwtValidator(services.Authorizers.Jwks, services.Time, services.Authorizers.VerifiedTokens);
        // Built on first use by an AWS_IAM method, so a config without any reports nothing twice.
        _iam = new Lazy<IamAuthorizer>(() =>
        {
            var store = IamCredentialStore.Build(config.Iam, diagnostics);
            var verifier = new SigV4Verifier(store, services.Time, new SigV4VerifierOptions { Region = config.Region });
            return new IamAuthorizer(verifier, config.Region, config.AccountId);
        });
    }

    public GatewayConfig Config { get; }

    public string? Region { get; }

    public string AccountId { get; }

    public JwtValidator Jwt { get; }

    public IamAuthorizer Iam => _iam.Value;

    public static AuthorizerRuntime For(MethodCompilation c)
    {
        if (PerConfig.TryGetValue(c.Config, out var runtime) && ReferenceEquals(runtime._services, c.Services))
        {
            return runtime;
        }
        runtime = new AuthorizerRuntime(c.Config, c.Services, c.Diagnostics);
        PerConfig.AddOrUpdate(c.Config, runtime);
        return runtime;
    }

    /// <summary><c>arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}</c> for this request.</summary>
    public string MethodArn(RequestContext context) => ExecuteApiArn.Build(
        Region ?? FallbackRegion, AccountId, context.Stage!.Api.Id, context.Stage.StageName, context.HttpMethod, context.ResourceRelativePath);
}
