using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.FunctionalTests.Authorizers;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// Secrets planted in config and requests (API key values, bearer tokens, SigV4 signatures and
/// secret keys, Lambda credentials) through the paths that read them, accepted and refused, with
/// every log line at Trace kept whole (message, arguments, scopes, exceptions): none of the
/// secrets appears in any of them.
/// </summary>
public sealed class SecretLoggingTests
{
    private const string ApiKeySecret = "planted-api-key-value-7f3a9c2e1b";
    private const string WrongApiKeySecret = "planted-wrong-key-value-4d8e6f0a2c";
    private const string DisabledKeySecret = "planted-disabled-key-value-9b1c3e5d7f";
    private const string AllowToken = "Bearer planted.allow.token-5e7g9i1k3m";
    private const string DenyToken = "Bearer planted.deny.token-2b4d6f8h0j";
    private const string FailToken = "Bearer planted.fail.token-6c8e0g2i4k";
    private const string InvalidToken = "Bearer planted.invalid.token!";
    private const string LambdaSecret = "plantedLambdaSecret/Key+0123456789abcdefgh";
    private const string LambdaSessionToken = "plantedLambdaSessionTokenIQoJb3JpZ2luX2VjEXAMPLE==";
    private const string WrongIamSecret = "plantedWrongIamSecretKey0123456789abcdefgh";

    [Fact]
    public async Task PlantedSecrets_AcceptedAndRefused_NeverInAnyLogLine()
    {
        var logs = new WholeLogProvider();
        var secrets = new List<string>
        {
            ApiKeySecret, WrongApiKeySecret, DisabledKeySecret, AllowToken, DenyToken, FailToken, InvalidToken,
            "planted.allow.token-5e7g9i1k3m", "planted.deny.token-2b4d6f8h0j", "planted.fail.token-6c8e0g2i4k",
            LambdaSecret, LambdaSessionToken, BotocoreSigner.Secret, WrongIamSecret,
        };
        await using var backend = await TestBackend.StartAsync();

        // 1. API keys: the right one, a wrong one, a disabled one.
        await using (var gateway = await StartAsync(KeyedConfig(), logs))
        {
            Assert.Equal(200, await StatusAsync(gateway, "/live/orders", ("x-api-key", ApiKeySecret)));
            Assert.Equal(403, await StatusAsync(gateway, "/live/orders", ("x-api-key", WrongApiKeySecret)));
            Assert.Equal(403, await StatusAsync(gateway, "/live/orders", ("x-api-key", DisabledKeySecret)));
        }

        // 2. A Lambda TOKEN authorizer, invoked with SigV4 from lambda.credentials: allow, deny,
        // a failing function, a token its validation expression refuses.
        await using (var lambda = await TestLambda.StartAsync())
        {
            lambda.Function("tenant-auth", e => e.GetProperty("authorizationToken").GetString() switch
            {
                AllowToken => Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/*"),
                DenyToken => Policy("Deny", "arn:aws:execute-api:*:*:orders/*"),
                _ => new LambdaReply("{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}", "Unhandled"),
            });
            var config = Config(backend.Url, Token(validation: "^Bearer [a-z0-9.-]+$"), lambdaUrl: lambda.Url);
            config = config with
            {
                Lambda = config.Lambda with
                {
                    Credentials = new LambdaCredentials { AccessKeyId = "AKIAPLANTEDINVOKER01", SecretAccessKey = LambdaSecret, SessionToken = LambdaSessionToken },
                },
            };
            await using var gateway = await StartAsync(config, logs);
            Assert.Equal(200, await StatusAsync(gateway, "/live/orders/1", ("Authorization", AllowToken)));
            Assert.Equal(403, await StatusAsync(gateway, "/live/orders/1", ("Authorization", DenyToken)));
            Assert.Equal(500, await StatusAsync(gateway, "/live/orders/1", ("Authorization", FailToken)));
            Assert.Equal(401, await StatusAsync(gateway, "/live/orders/1", ("Authorization", InvalidToken)));
            Assert.Equal(3, lambda.Invocations.Count);
        }

        // 3. AWS_IAM with requests signed by botocore: a good signature, one made with a wrong
        // secret, one tampered with.
        await using (var gateway = await StartAsync(Config(backend.Url, null, "AWS_IAM", iam: IamPrincipals()), logs))
        {
            var signed = BotocoreSigner.SignAll(gateway,
                new BotocoreSigner.Sign("GET", "/live/orders/7"),
                new BotocoreSigner.Sign("GET", "/live/orders/8", Secret: WrongIamSecret));
            using (var good = signed[0]())
            {
                secrets.Add(SignatureOf(good));
                Assert.Equal(200, (int)(await gateway.Client.SendAsync(good)).StatusCode);
            }
            using (var wrong = signed[1]())
            {
                secrets.Add(SignatureOf(wrong));
                Assert.Equal(403, (int)(await gateway.Client.SendAsync(wrong)).StatusCode);
            }
            using (var tampered = signed[0]())
            {
                var signature = SignatureOf(tampered);
                var forged = new string([.. signature.Reverse()]);
                secrets.Add(forged);
                var authorization = tampered.Headers.GetValues("Authorization").Single().Replace(signature, forged, StringComparison.Ordinal);
                tampered.Headers.Remove("Authorization");
                tampered.Headers.TryAddWithoutValidation("Authorization", authorization);
                Assert.Equal(403, (int)(await gateway.Client.SendAsync(tampered)).StatusCode);
            }
        }

        var lines = logs.Lines.ToList();
        // The refusals were logged (at Debug and Trace): the test looked where secrets could be.
        Assert.Contains(lines, l => l.Contains("refused", StringComparison.Ordinal) && l.StartsWith("Debug", StringComparison.Ordinal));
        Assert.True(lines.Count > 10, string.Join('\n', lines));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static Task<RunningGateway> StartAsync(GatewayConfig config, WholeLogProvider logs) =>
        RunningGateway.StartAsync(() => new ConfigLoad(config, [], []), o => o with
        {
            MinimumLogLevel = LogLevel.Trace,
            ConfigureLogging = b => b.AddProvider(logs).AddFilter("Microsoft", LogLevel.Trace).AddFilter("System", LogLevel.Trace),
        });

    private static async Task<int> StatusAsync(RunningGateway gateway, string path, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        using var response = await gateway.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string SignatureOf(HttpRequestMessage request)
    {
        var authorization = request.Headers.GetValues("Authorization").Single();
        return authorization[(authorization.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length)..];
    }

    private static GatewayConfig KeyedConfig()
    {
        var keyed = new Method { HttpMethod = "GET", Integration = Models.Mock("ok"), ApiKeyRequired = true };
        var api = Models.Api("orders", "live") with
        {
            Resources = [new Resource { Path = "/orders", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", keyed) }],
        };
        return Models.Config(api) with
        {
            ApiKeys =
            [
                new ApiKey { Name = "tenant", Value = ApiKeySecret },
                new ApiKey { Name = "off", Value = DisabledKeySecret, Enabled = false },
            ],
            UsagePlans = [new UsagePlan { Name = "gold", ApiStages = [new UsagePlanApiStage { ApiId = "orders", Stage = "live" }], ApiKeys = ["tenant", "off"] }],
        };
    }

    private static IamSettings IamPrincipals() => new()
    {
        Principals =
        [
            new IamPrincipal
            {
                Arn = "arn:aws:iam::123456789012:user/reporting",
                AccessKeys = [new IamAccessKey { AccessKeyId = BotocoreSigner.Key, SecretAccessKey = BotocoreSigner.Secret }],
                Policies = [System.Text.Json.JsonDocument.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}""").RootElement.Clone()],
            },
        ],
    };

    /// <summary>Keeps all of each entry: the formatted message, every argument, every scope, the exception with its stack.</summary>
    private sealed class WholeLogProvider : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose() { }

        private sealed class Logger(WholeLogProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        line.Append(" | ").Append(key).Append('=').Append(value);
                    }
                }
                owner._scopes.ForEachScope((scope, b) => b.Append(" | scope ").Append(scope), line);
                if (exception is not null)
                {
                    line.Append(" | ").Append(exception);
                }
                owner._lines.Enqueue(line.ToString());
            }
        }
    }
}
