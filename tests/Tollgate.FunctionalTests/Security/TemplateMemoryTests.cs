using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Security;

/// <summary>
/// A mapping template over a large body: what stays within a render's memory budget is sent,
/// what copies the body beyond it answers 500 <c>Internal server error</c> and reaches no backend.
/// </summary>
public sealed class TemplateMemoryTests
{
    private int _received;

    /// <summary>About 9 MB of nested JSON, under the 10 MB payload limit.</summary>
    private static readonly string LargeBody = Body(9 * 1024 * 1024);

    [Fact]
    public async Task DeepScanOfLargeBody_OverBudget_500InternalServerErrorAndNothingSent()
    {
        await using var backend = await StartBackendAsync();
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/orders", "POST",
            Http(backend.Url + "/orders", "$input.json('$..*')", Response("default", 200)))));

        using var response = await gateway.Client.PostAsync("/prod/orders", new StringContent(LargeBody, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _received);
    }

    [Fact]
    public async Task ResponseTemplateDeepScanOfLargeBackendAnswer_OverBudget_500()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(LargeBody);
        });
        var integration = Http(backend.Url + "/orders", null, Response("default", 200, "$input.json('$..*')")) with { HttpMethod = "GET" };
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/orders", "GET", integration)));

        using var response = await gateway.Client.GetAsync("/prod/orders");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LargeBodyThroughInputJson_WithinBudget_SentCompactAndWhole()
    {
        await using var backend = await StartBackendAsync();
        await using var gateway = await RunningGateway.StartAsync(Config(SingleMethodApi("/orders", "POST",
            Http(backend.Url + "/orders", "$input.json('$')", Response("default", 200, "$input.body")))));

        using var response = await gateway.Client.PostAsync("/prod/orders", new StringContent(LargeBody, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = Encoding.UTF8.GetBytes(AsMapped(LargeBody));
        Assert.Equal($"{bytes.Length} {Convert.ToHexString(SHA256.HashData(bytes))}", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _received);
    }

    [Fact]
    public async Task ConfiguredBudget_SmallBodyOverIt_500AndNextRequestWithinItServed()
    {
        await using var backend = await StartBackendAsync();
        var config = Config(SingleMethodApi("/orders", "POST", Http(backend.Url + "/orders", "$input.json('$')", Response("default", 200, "$input.body"))));
        await using var gateway = await RunningGateway.StartAsync(config with { Server = config.Server with { MaxTemplateMemoryBytes = 64 * 1024 } });

        using var over = await gateway.Client.PostAsync("/prod/orders", new StringContent(Body(32 * 1024), Encoding.UTF8, "application/json"));
        var small = Body(1024);
        using var within = await gateway.Client.PostAsync("/prod/orders", new StringContent(small, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, over.StatusCode);
        Assert.Equal("{\"message\":\"Internal server error\"}", await over.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        Assert.StartsWith($"{Encoding.UTF8.GetByteCount(AsMapped(small))} ", await within.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _received);
    }

    /// <summary>What <c>$input.json('$')</c> makes of <see cref="Body"/>: it is compact already; an escaped non-ASCII character is written as itself.</summary>
    private static string AsMapped(string body) => body.Replace("\\u00e9", "é", StringComparison.Ordinal);

    /// <summary>A backend that answers the length and SHA-256 of the body it received.</summary>
    private Task<TestBackend> StartBackendAsync() => TestBackend.StartAsync(async http =>
    {
        Interlocked.Increment(ref _received);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        await http.Response.WriteAsync($"{bytes.Length} {Convert.ToHexString(SHA256.HashData(bytes))}");
    });

    /// <summary>Compact JSON of about <paramref name="size"/> bytes: orders with nested lines.</summary>
    private static string Body(int size)
    {
        var sb = new StringBuilder(size + 256);
        sb.Append("{\"orders\":[");
        for (var i = 0; sb.Length < size - 200; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"customer\":\"c-{i % 97}\",\"lines\":[{{\"sku\":\"s{i}\",\"qty\":{i % 5},\"price\":{i % 100}.25}}],\"note\":\"caf\\u00e9 \\\"{i}\\\"\"}}");
        }
        sb.Append("]}");
        var text = sb.ToString();
        using var check = JsonDocument.Parse(text); // the helper writes valid JSON
        return text;
    }
}
