using System.Diagnostics;
using System.Net;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>
/// A user's first try with a real export (issue 19): <c>tollgate serve --config export.json</c>
/// must start. Without a Lambda endpoint the rest of the API is served and the Lambda routes
/// answer as API Gateway does for a function it cannot invoke.
/// </summary>
public sealed class RealExportTests
{
    // A SAM-style export: Lambda proxy and a Lambda TOKEN authorizer, with pseudo parameters, and a MOCK health route.
    private const string Export = """
        {
          "swagger": "2.0",
          "info": {"title": "Orders", "version": "1"},
          "basePath": "/${environment}",
          "securityDefinitions": {
            "tok": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
                    "x-amazon-apigateway-authorizer": {"type": "token", "authorizerResultTtlInSeconds": 0,
                      "authorizerUri": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:auth/invocations"}}
          },
          "paths": {
            "/orders": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
              "uri": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:orders/invocations"}}},
            "/secret": {"get": {"security": [{"tok": []}], "x-amazon-apigateway-integration": {"type": "mock",
              "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}}},
            "/health": {"get": {"x-amazon-apigateway-integration": {"type": "mock",
              "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
              "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"ok\": true}"}}}}}}
          }
        }
        """;

    private static async Task<(RunningGateway Gateway, LoadResult Load)> ServeExport(TempDirectory dir, LoadOptions options)
    {
        var load = ConfigLoader.Load(dir.Write("export.json", Export), options);
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        var gateway = await RunningGateway.StartAsync(() => new ConfigLoad(load.Config, load.Diagnostics, load.SourceFiles));
        return (gateway, load);
    }

    [Fact]
    public async Task ExportWithoutLambdaEndpoint_StartsAndLambdaRoutesAnswerAws500LoggedOnce()
    {
        using var dir = new TempDirectory();
        var (gateway, load) = await ServeExport(dir, LoadOptions.Default);
        await using var _ = gateway;

        // Warned at start, naming the API and the method, not refused.
        Assert.Contains(gateway.Server.Warnings, d => d.Severity == DiagnosticSeverity.Warning && d.ToString().Contains("'GET /orders'", StringComparison.Ordinal) &&
            d.Message.StartsWith("no Lambda endpoint for function 'arn:aws:lambda:us-east-1:000000000000:function:orders'", StringComparison.Ordinal));
        Assert.Equal("prod", Assert.Single(Assert.Single(load.Config!.Apis).Stages).StageName);

        using (var health = await gateway.Client.GetAsync("/prod/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("{\"ok\": true}", await health.Content.ReadAsStringAsync());
        }
        for (var i = 0; i < 2; i++)
        {
            using var orders = await gateway.Client.GetAsync("/prod/orders");
            Assert.Equal(HttpStatusCode.InternalServerError, orders.StatusCode);
            Assert.Equal("{\"message\": \"Internal server error\"}", (await orders.Content.ReadAsStringAsync()).Replace("\":\"", "\": \"", StringComparison.Ordinal));
            Assert.Equal("InternalServerErrorException", orders.Headers.GetValues("x-amzn-ErrorType").Single());

            using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/secret");
            request.Headers.TryAddWithoutValidation("Authorization", "allow");
            using var secret = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.InternalServerError, secret.StatusCode);
            Assert.Equal("{\"message\":null}", (await secret.Content.ReadAsStringAsync()).Replace(" ", "", StringComparison.Ordinal));
        }
        Assert.Single(gateway.Logs.Lines, l => l.Contains("no Lambda endpoint for function 'arn:aws:lambda:us-east-1:000000000000:function:orders'", StringComparison.Ordinal) && l.Contains("logged once", StringComparison.Ordinal));
        Assert.Single(gateway.Logs.Lines, l => l.Contains("authorizer 'tok': no Lambda endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportWithLambdaEndpointOption_InvokesTheFunction()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("orders", _ => new LambdaReply("{\"statusCode\": 200, \"body\": \"orders\"}"));
        using var dir = new TempDirectory();
        var (gateway, load) = await ServeExport(dir, new LoadOptions { LambdaEndpoint = lambda.Url });
        await using var _ = gateway;
        Assert.DoesNotContain(load.Diagnostics, d => d.Message.Contains("no Lambda endpoint", StringComparison.Ordinal));

        using var orders = await gateway.Client.GetAsync("/prod/orders");
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal("orders", await orders.Content.ReadAsStringAsync());
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:orders", lambda.Invocations.Single().Function);
    }

    [Fact]
    public async Task Validate_ExportWithoutLambdaEndpoint_ValidWithWarnings()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("export.json", Export);
        var (exit, output, _) = await Cli.RunAsync("validate", "--config", path);
        Assert.Equal(0, exit);
        Assert.Contains("warning: API 'orders', method 'GET /orders': no Lambda endpoint for function", output, StringComparison.Ordinal);
        Assert.Contains("warning: API 'orders', definition '" + path + "': basePath '/${environment}' is not a valid stage name", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_LambdaEndpointFromOptionOrEnvironment_NoEndpointWarning()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("export.json", Export);
        var (exit, output, _) = await Cli.RunAsync("validate", "--config", path, "--lambda-endpoint", "http://127.0.0.1:9001");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("no Lambda endpoint", output, StringComparison.Ordinal);

        var info = Cli.StartInfo("validate", "--config", path);
        info.Environment["TOLLGATE_LAMBDA_ENDPOINT"] = "http://127.0.0.1:9001";
        using var process = Process.Start(info)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("no Lambda endpoint", text, StringComparison.Ordinal);
        Assert.Contains("valid (1 API(s)", text, StringComparison.Ordinal);
    }
    [Fact]
    public async Task HttpApiExport_DefaultRouteAsAwsExportsIt_CatchesEveryPath()
    {
        await using var backend = await TestBackend.StartAsync(TestBackend.EchoAsync);
        using var dir = new TempDirectory();
        // As the AWS console exports an HTTP API with a $default route (issue 19: it got 404).
        var path = dir.Write("http-api.json", $$"""
            {
              "openapi": "3.0.1",
              "info": {"title": "catch-all", "version": "1"},
              "paths": {
                "/$default": {
                  "x-amazon-apigateway-any-method": {
                    "isDefaultRoute": true,
                    "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "ANY", "uri": "{{backend.Url}}/", "payloadFormatVersion": "1.0", "connectionType": "INTERNET"}
                  }
                }
              },
              "x-amazon-apigateway-importexport-version": "1.0"
            }
            """);
        var load = ConfigLoader.Load(path, LoadOptions.Default);
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        await using var gateway = await RunningGateway.StartAsync(() => new ConfigLoad(load.Config, load.Diagnostics, load.SourceFiles));
        using var response = await gateway.Client.PostAsync("/any/where?x=1", new StringContent("hi"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
