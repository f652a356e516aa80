using System.Net;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>AWS (non-proxy) Lambda integrations: templates in, templates out, errors by selection pattern.</summary>
public sealed class LambdaIntegrationTests
{
    private static async Task<RunningGateway> StartAsync(TestLambda lambda)
    {
        // The developer guide's Lambda custom integration: the request template builds the event,
        // errors are matched on errorMessage.
        var integration = Lambda("calc",
            "{\"a\": $input.params('a'), \"b\": $input.params('b'), \"op\": \"$util.escapeJavaScript($input.params('op'))\"}",
            Response(".*Invalid.*", 400, "{\"error\": \"$input.path('$.errorMessage')\"}"),
            Response(".*Missing.*", 422),
            Response("default", 200, "#set($r = $input.path('$'))\n{\"result\": $r.c, \"text\": \"$r.a $r.op $r.b = $r.c\"}"));
        return await RunningGateway.StartAsync(Config(SingleMethodApi("/calc", "GET", integration)).WithLambda(lambda.Url));
    }

    private static LambdaReply Calc(System.Text.Json.JsonElement e)
    {
        var op = e.GetProperty("op").GetString();
        if (op is not ("+" or "*"))
        {
            return new LambdaReply("{\"errorMessage\":\"Invalid operator " + op + "\",\"errorType\":\"Error\"}", "Unhandled");
        }
        var a = e.GetProperty("a").GetInt32();
        var b = e.GetProperty("b").GetInt32();
        return new LambdaReply($"{{\"a\":{a},\"b\":{b},\"op\":\"{op}\",\"c\":{(op == "+" ? a + b : a * b)}}}");
    }

    [Fact]
    public async Task Lambda_RequestAndResponseTemplates_MapTheFunctionResult()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("calc", Calc);
        await using var gateway = await StartAsync(lambda);

        using var response = await gateway.Client.GetAsync("/prod/calc?a=6&b=7&op=*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"result\": 42, \"text\": \"6 * 7 = 42\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("{\"a\":6,\"b\":7,\"op\":\"*\"}", lambda.Invocations.Single().Event.GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lambda_FunctionError_SelectedByErrorMessage()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("calc", Calc);
        await using var gateway = await StartAsync(lambda);

        using var response = await gateway.Client.GetAsync("/prod/calc?a=1&b=2&op=-");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"error\": \"Invalid operator -\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lambda_ErrorWithoutTemplate_PassesErrorObjectThrough()
    {
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("calc", _ => new LambdaReply("{\"errorMessage\":\"Missing a\"}", "Handled"));
        await using var gateway = await StartAsync(lambda);

        using var response = await gateway.Client.GetAsync("/prod/calc?a=1&b=2&op=+");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Equal("{\"errorMessage\":\"Missing a\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
