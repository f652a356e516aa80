using System.Collections.Immutable;
using System.Net;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;
using static Tollgate.FunctionalTests.Support.PrometheusText;

namespace Tollgate.FunctionalTests.Observability;

/// <summary>
/// <c>GET /metrics</c> on the admin listener, scraped over real HTTP: API Gateway's metrics
/// (Count, 4XX/5XX, Latency, IntegrationLatency, throttles, authorizer outcomes) under their
/// Prometheus names with api and stage labels, method and resource only where
/// <c>metricsEnabled</c> asks, ASP.NET Core's <c>http.server.request.duration</c> by route, and the
/// runtime's and Kestrel's metrics. Each test names its API uniquely: meters are per process.
/// </summary>
public sealed class MetricsTests
{
    private static GatewayConfig WithAdmin(GatewayConfig config) => config with
    {
        Server = config.Server with { AdminListen = "http://127.0.0.1:0" },
    };

    private static Stage Stage(string name, bool detailed, params (string Key, MethodSetting Setting)[] more)
    {
        var settings = ImmutableDictionary<string, MethodSetting>.Empty;
        if (detailed)
        {
            settings = settings.Add("*/*", new MethodSetting { MetricsEnabled = true });
        }
        foreach (var (key, setting) in more)
        {
            settings = settings.SetItem(key, setting);
        }
        return new Stage { StageName = name, MethodSettings = settings };
    }

    /// <summary>
    /// Scrapes once every request sent so far has been recorded. A request is counted when its
    /// handler completes, which may be just after the client has its response; Kestrel reads the
    /// next request of a connection only once the handler of the last one has completed, so an
    /// answer to one more request on the same connection (to a stage that does not exist: counted
    /// nowhere) means every earlier one is counted.
    /// </summary>
    private static async Task<List<Sample>> ScrapeAsync(RunningGateway gateway)
    {
        using (var barrier = await gateway.Client.GetAsync("/no-such-stage/barrier"))
        {
            Assert.True((int)barrier.StatusCode is 403 or 404);
        }
        using var client = new HttpClient { BaseAddress = gateway.Server.AdminAddresses[0] };
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_CountErrorsAndLatencyByStatusClass_DetailedWhereMetricsEnabled()
    {
        await using var backend = await TestBackend.StartAsync(TestBackend.EchoAsync);
        var api = Api("metrics-a", "prod",
            Resource("/ok", ("GET", Mock("{}"))),
            Resource("/fail", ("GET", Mock("{}", status: 500))),
            Resource("/limited", ("GET", Mock("{}"))),
            Resource("/proxy", ("GET", Proxy(backend.Url + "/echo"))));
        var stages = ImmutableArray.Create(
            Stage("prod", detailed: true, ("/limited/GET", new MethodSetting { ThrottlingRateLimit = 0.001, ThrottlingBurstLimit = 1 })),
            Stage("beta", detailed: false));
        await using var gateway = await RunningGateway.StartAsync(WithAdmin(Config(api with { Stages = stages })));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/prod/ok")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.InternalServerError, (await gateway.Client.GetAsync("/prod/fail")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/prod/limited")).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await gateway.Client.GetAsync("/prod/limited")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.Client.GetAsync("/prod/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/prod/proxy")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/beta/ok")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/beta/proxy")).StatusCode);

        var samples = await ScrapeAsync(gateway);
        const string Requests = "tollgate_api_requests_total";
        (string, string) A = ("api", "metrics-a");
        Assert.Equal(3, Single(samples, Requests, A, ("stage", "prod"), ("method", "GET"), ("resource", "/ok"), ("status_class", "2xx")).Value);
        Assert.Equal(1, Single(samples, Requests, A, ("stage", "prod"), ("method", "GET"), ("resource", "/fail"), ("status_class", "5xx")).Value);
        Assert.Equal(1, Single(samples, Requests, A, ("stage", "prod"), ("method", "GET"), ("resource", "/limited"), ("status_class", "2xx")).Value);
        Assert.Equal(1, Single(samples, Requests, A, ("stage", "prod"), ("method", "GET"), ("resource", "/limited"), ("status_class", "4xx")).Value);
        // No method matched: counted under the stage alone, as AWS's ApiName,Stage dimension.
        Assert.Equal(1, Single(samples, Requests, A, ("stage", "prod"), ("method", ""), ("resource", ""), ("status_class", "4xx")).Value);
        // Without metricsEnabled: the stage's requests together, no method or resource label.
        Assert.Equal(2, Single(samples, Requests, A, ("stage", "beta"), ("method", ""), ("resource", ""), ("status_class", "2xx")).Value);
        Assert.Empty(Where(samples, Requests, A, ("stage", "beta"), ("resource", "/ok")));

        // Latency: every request; IntegrationLatency: those that reached their integration (MOCK included).
        Assert.Equal(3, Single(samples, "tollgate_api_latency_milliseconds_count", A, ("stage", "prod"), ("resource", "/ok")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_integration_latency_milliseconds_count", A, ("stage", "prod"), ("resource", "/proxy")).Value);
        Assert.Equal(3, Single(samples, "tollgate_api_integration_latency_milliseconds_count", A, ("stage", "prod"), ("resource", "/ok")).Value);
        Assert.Equal(2, Single(samples, "tollgate_api_integration_latency_milliseconds_count", A, ("stage", "beta"), ("resource", "")).Value);
        Assert.Empty(Where(samples, "tollgate_api_integration_latency_milliseconds_count", A, ("stage", "prod"), ("resource", "")));
        var buckets = Where(samples, "tollgate_api_latency_milliseconds_bucket", A, ("stage", "prod"), ("resource", "/ok")).ToList();
        Assert.Equal(3, buckets.Single(b => b.Label("le") == "+Inf").Value);
        Assert.Contains(buckets, b => b.Label("le") == "29000");

        // Gateway responses by type: the throttle and the missing method.
        Assert.Equal(1, Single(samples, "tollgate_api_gateway_responses_total", A, ("stage", "prod"), ("type", "THROTTLED")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_gateway_responses_total", A, ("stage", "prod"), ("type", "MISSING_AUTHENTICATION_TOKEN")).Value);

        // ASP.NET Core's semantic-convention histogram, labelled with the resource template.
        var duration = Single(samples, "http_server_request_duration_seconds_count", ("http_route", "/ok"), ("http_request_method", "GET"), ("http_response_status_code", "200"));
        Assert.True(duration.Value >= 4, $"http.server.request.duration counted {duration.Value} GET /ok");
        Assert.Empty(Where(samples, "http_server_request_duration_seconds_count", ("http_route", "/prod/ok")));

        // Process, runtime and connections.
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_thread_pool_", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "dotnet_process_cpu_time_seconds_total");
        Assert.Contains(samples, s => s.Name.StartsWith("kestrel_active_connections", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "tollgate_connections_open");
        Assert.Contains(samples, s => s.Name == "tollgate_access_log_dropped_total");
    }

    [Fact]
    public async Task Metrics_AuthorizerOutcomes_AndAuthorizerContextVariables()
    {
        await using var lambda = await TestLambda.StartAsync();
        const string Allowed = "arn:aws:execute-api:eu-west-1:123456789012:metrics-auth/live/GET/orders/*";
        lambda.Function("tenant-auth", e => e.GetProperty("authorizationToken").GetString() switch
        {
            "deny" => Authorizers.AuthorizerSetup.Policy("Deny", Allowed),
            "broken" => new LambdaReply("{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}", "Unhandled"),
            _ => Authorizers.AuthorizerSetup.Policy("Allow", Allowed),
        });
        await using var backend = await TestBackend.StartAsync(TestBackend.EchoAsync);
        var config = Authorizers.AuthorizerSetup.Config(backend.Url, Authorizers.AuthorizerSetup.Token(), lambdaUrl: lambda.Url);
        using var temp = new TempDirectory();
        var stage = config.Apis[0].Stages[0] with
        {
            AccessLogSettings = new AccessLogSettings
            {
                DestinationArn = "file://" + temp.File("auth.log"),
                Format = "$context.requestId $context.status $context.authorizer.status $context.authorizer.latency \"$context.authorizer.error\"",
            },
        };
        config = WithAdmin(config with { Apis = [config.Apis[0] with { Id = "metrics-auth", Stages = [stage] }] });
        var gateway = await RunningGateway.StartAsync(config);
        List<Sample> samples;
        await using (gateway)
        {
            foreach (var (token, expected) in new[] { ("ok", 200), ("ok2", 200), ("deny", 403), ("broken", 500), ((string?)null, 401) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders/1");
                if (token is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", token);
                }
                Assert.Equal(expected, (int)(await gateway.Client.SendAsync(request)).StatusCode);
            }
            samples = await ScrapeAsync(gateway);
        }
        (string, string) A = ("api", "metrics-auth");
        Assert.Equal(2, Single(samples, "tollgate_api_authorizer_requests_total", A, ("authorizer", "auth"), ("outcome", "allow")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_authorizer_requests_total", A, ("authorizer", "auth"), ("outcome", "deny")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_authorizer_requests_total", A, ("authorizer", "auth"), ("outcome", "error")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_authorizer_requests_total", A, ("authorizer", "auth"), ("outcome", "unauthorized")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_gateway_responses_total", A, ("type", "AUTHORIZER_CONFIGURATION_ERROR")).Value);

        // The same outcomes in the access log: authorizer.status, a latency in ms, authorizer.error.
        var lines = File.ReadAllLines(temp.File("auth.log")).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Matches("""^200 200 \d+ "-"$""", lines[0]);
        Assert.Matches("""^403 403 \d+ "User is not authorized to access this resource with an explicit deny"$""", lines[2]);
        Assert.Matches("""^500 500 \d+ "boom"$""", lines[3]);
        Assert.Matches("""^401 401 \d+ "The identity source is missing or empty."$""", lines[4]);
    }

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task Otlp_MetricsPushedToCollector(OtlpProtocol protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: protocol == OtlpProtocol.Grpc);
        var apiName = "metrics-otlp-" + protocol.ToString().ToLowerInvariant();
        var api = Api(apiName, "prod", Resource("/ok", ("GET", Mock("{}"))));
        var config = Config(api) with { Telemetry = new TelemetrySettings { OtlpEndpoint = receiver.BaseUri, OtlpProtocol = protocol } };
        await using (var gateway = await RunningGateway.StartAsync(config))
        {
            await gateway.Client.GetAsync("/prod/ok");
            await gateway.Client.GetAsync("/prod/ok");
            await gateway.Client.GetAsync("/no-such-stage/barrier");
        }
        // Stopping the gateway exports what the meter provider holds.
        var point = Assert.Single(receiver.Points, p => p.Metric == "tollgate.api.requests" && p.Attributes.GetValueOrDefault("api") == apiName);
        Assert.Equal(2, point.Value);
        Assert.Equal("2xx", point.Attributes["status_class"]);
        Assert.True(receiver.MetricNames.ContainsKey("http.server.request.duration"));
        Assert.True(receiver.MetricNames.ContainsKey("tollgate.api.latency"));
        Assert.Contains(receiver.Paths, p => p.EndsWith(protocol == OtlpProtocol.Grpc ? "MetricsService/Export" : "/v1/metrics", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_OneMethodDetailed_OthersUnderTheStage()
    {
        var api = Api("metrics-b", "prod",
            Resource("/a", ("GET", Mock("{}"))),
            Resource("/b", ("GET", Mock("{}"))));
        var stage = Stage("prod", detailed: false, ("/a/GET", new MethodSetting { MetricsEnabled = true }));
        await using var gateway = await RunningGateway.StartAsync(WithAdmin(Config(api with { Stages = [stage] })));
        await gateway.Client.GetAsync("/prod/a");
        await gateway.Client.GetAsync("/prod/b");
        await gateway.Client.GetAsync("/prod/b");

        var samples = await ScrapeAsync(gateway);
        Assert.Equal(1, Single(samples, "tollgate_api_requests_total", ("api", "metrics-b"), ("resource", "/a")).Value);
        Assert.Equal(2, Single(samples, "tollgate_api_requests_total", ("api", "metrics-b"), ("resource", "")).Value);
    }

    [Fact]
    public async Task Metrics_HttpApi_LabelledByRoute()
    {
        await using var backend = await TestBackend.StartAsync(TestBackend.EchoAsync);
        var api = HttpApiModels.HttpApi("metrics-h", "live", Resource("/items/{id}", ("GET", HttpApiModels.HttpProxy(backend.Url + "/echo"))));
        var stage = new Stage
        {
            StageName = "live",
            MethodSettings = ImmutableDictionary<string, MethodSetting>.Empty.Add("*/*", new MethodSetting { MetricsEnabled = true }),
        };
        await using var gateway = await RunningGateway.StartAsync(WithAdmin(Config(api with { Stages = [stage] })));
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/live/items/7")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/live/other")).StatusCode);

        var samples = await ScrapeAsync(gateway);
        Assert.Equal(1, Single(samples, "tollgate_api_requests_total", ("api", "metrics-h"), ("route", "GET /items/{id}"), ("status_class", "2xx")).Value);
        Assert.Equal(1, Single(samples, "tollgate_api_requests_total", ("api", "metrics-h"), ("route", ""), ("status_class", "4xx")).Value);
        Assert.Empty(Where(samples, "tollgate_api_requests_total", ("api", "metrics-h"), ("resource", "/items/{id}")));
    }

    [Fact]
    public async Task Metrics_CardinalityBoundedByConfig_NotByRawPaths()
    {
        var api = Api("metrics-c", "prod", Resource("/items/{id}", ("GET", Mock("{}"))));
        await using var gateway = await RunningGateway.StartAsync(WithAdmin(Config(api with { Stages = [Stage("prod", detailed: true)] })));
        for (var i = 0; i < 50; i++)
        {
            await gateway.Client.GetAsync($"/prod/items/{i}");
            await gateway.Client.GetAsync($"/prod/random-{i}");
        }
        var samples = await ScrapeAsync(gateway);
        var series = Where(samples, "tollgate_api_requests_total", ("api", "metrics-c")).ToList();
        Assert.Equal(2, series.Count);
        Assert.Equal(50, series.Single(s => s.Label("resource") == "/items/{id}").Value);
        Assert.Equal(50, series.Single(s => s.Label("resource") == "").Value);
        Assert.DoesNotContain(samples, s => s.Labels.Values.Any(v => v.Contains("random-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AdminListener_MetricsMethods_AndProbesNotCounted()
    {
        var api = Api("metrics-d", "prod", Resource("/ok", ("GET", Mock("{}"))));
        await using var gateway = await RunningGateway.StartAsync(WithAdmin(Config(api)));
        using var client = new HttpClient { BaseAddress = gateway.Server.AdminAddresses[0] };
        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync("/healthz");
        }
        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }
        using (var post = await client.PostAsync("/metrics", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }
        var samples = await ScrapeAsync(gateway);
        Assert.Empty(Where(samples, "tollgate_api_requests_total", ("api", "metrics-d")));
        // A scrape or a probe is not an API request: none is counted as one.
        await gateway.Client.GetAsync("/prod/ok");
        samples = await ScrapeAsync(gateway);
        Assert.Equal(1, Single(samples, "tollgate_api_requests_total", ("api", "metrics-d")).Value);
    }

    [Fact]
    public async Task NoAdminListener_NoReader_InstrumentsStayDisabled()
    {
        var api = Api("metrics-e", "prod", Resource("/ok", ("GET", Mock("{}"))));
        await using var gateway = await RunningGateway.StartAsync(Config(api));
        Assert.Empty(gateway.Server.AdminAddresses);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/prod/ok")).StatusCode);
        // Nothing reads metrics, so no meter provider is made and the instruments are not listened to by this gateway.
        Assert.False(gateway.Server.HasMeterProvider);
    }
}
