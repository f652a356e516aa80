using Tollgate.Gateway.Policies.Authorizers.Jwt;
using Tollgate.Gateway.Policies.Authorizers.Lambda;
using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Policies.Authorizers;

/// <summary>
/// The authorizers' long-lived state, shared by every snapshot so that a reload keeps it: the
/// JWKS keys of each issuer (with the HttpClient that fetches them), the tokens already verified
/// against them, and the Lambda authorizer result cache.
/// </summary>
internal sealed class AuthorizerServices : IDisposable
{
    private readonly HttpClient _http;

    public AuthorizerServices(TimeProvider time)
    {
        // Issuers' key documents: redirects followed and the environment's proxy used, as a fetch of a document is.
        _http = new HttpClient(Forwarding.OutboundClients.CreateHandler(new Forwarding.OutboundHandlerOptions
        {
            FetchDocuments = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        }))
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        Jwks = new JwksCache(_http, time);
        Results = new AuthorizerResultCache(time);
    }

    public JwksCache Jwks { get; }

    /// <summary>Verified JWTs, shared by every authorizer of every snapshot (<see cref="VerifiedTokenCache.DefaultCapacity"/> entries).</summary>
    public VerifiedTokenCache VerifiedTokens { get; } = new();

    public AuthorizerResultCache Results { get; }

    public void Dispose()
    {
        Jwks.Dispose();
        _http.Dispose();
    }
}

/// <summary>The authorizers' services among the gateway's shared services.</summary>
internal static class AuthorizerServicesSlot
{
    extension(Pipeline.GatewayServices services)
    {
        /// <summary>JWKS keys and the Lambda authorizer result cache, kept across reloads.</summary>
        public AuthorizerServices Authorizers => services.Features.GetOrAdd(services.Time, static time => new AuthorizerServices(time));
    }
}
