using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Policies.Authorizers.Lambda;

namespace Tollgate.Benchmarks;

/// <summary>
/// A Lambda authorizer decision served from the result cache: the lookup by identity-source value
/// and the cached policy evaluated against this request's method ARN, as every cached request does.
/// </summary>
[MemoryDiagnoser]
public class AuthorizerBenchmarks
{
    private const string Policy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:eu-west-1:123456789012:orders/live/DELETE/*" },
            { "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:eu-west-1:123456789012:orders/live/*/orders/*" }
          ]
        }
        """;

    private AuthorizerResultCache _cache = null!;
    private AuthorizerCacheKey _key;
    private const string MethodArn = "arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/42";

    [GlobalSetup]
    public void Setup()
    {
        _cache = new AuthorizerResultCache(TimeProvider.System);
        var values = new AuthorizerValues("user-1", new Dictionary<string, string> { ["tenant"] = "acme" }.ToFrozenDictionary(), null, []);
        // A cache as a busy gateway has it: many callers, the one asked for among them.
        for (var i = 0; i < 10_000; i++)
        {
            _cache.Set(new AuthorizerCacheKey("orders/auth", "Bearer token-" + i), new AuthorizerDecision(IamPolicy.Parse(Policy), values, null), TimeSpan.FromHours(1));
        }
        _key = new AuthorizerCacheKey("orders/auth", "Bearer token-4242");
        if (!Decide())
        {
            throw new InvalidOperationException("the cached decision should allow the request");
        }
    }

    [Benchmark(Description = "cached Lambda authorizer decision (lookup + policy for the method ARN)")]
    public bool Decide() =>
        _cache.TryGet(_key, out var decision) && decision.Decide(MethodArn) == PolicyDecision.Allow;
}
