using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.IntegrationModels;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Integrations;

/// <summary>Request validators in front of integrations, and a fuzz run through validation and templates.</summary>
public sealed class RequestValidatorTests
{
    private const string PetSchema = """
        {"type": "object", "required": ["name", "price"], "properties": {
          "name": {"type": "string", "minLength": 1},
          "price": {"type": "number", "minimum": 0},
          "tags": {"type": "array", "items": {"type": "string"}}}}
        """;

    private static Api ValidatedApi(Integration integration, string validator = "all") =>
        SingleMethodApi("/pets/{petId}", "POST", integration,
            method: m => m with
            {
                RequestValidatorId = validator,
                RequestParameters = ImmutableDictionary<string, bool>.Empty
                    .Add("method.request.path.petId", true)
                    .Add("method.request.querystring.owner", true)
                    .Add("method.request.header.X-Client", true)
                    .Add("method.request.querystring.optional", false),
                RequestModels = ImmutableDictionary<string, string>.Empty.Add("application/json", "Pet"),
            },
            api: a => a with
            {
                Models = ImmutableDictionary<string, JsonElement>.Empty.Add("Pet", JsonDocument.Parse(PetSchema).RootElement.Clone()),
                RequestValidators = ImmutableDictionary<string, RequestValidator>.Empty
                    .Add("all", new RequestValidator { ValidateRequestBody = true, ValidateRequestParameters = true })
                    .Add("params-only", new RequestValidator { ValidateRequestParameters = true }),
                GatewayResponses = ImmutableDictionary<GatewayResponseType, GatewayResponse>.Empty.Add(GatewayResponseType.BAD_REQUEST_BODY, new GatewayResponse
                {
                    ResponseTemplates = Map(("application/json", "{\"message\": $context.error.messageString, \"details\": \"$context.error.validationErrorString\"}")),
                }),
            });

    private static HttpRequestMessage Post(string uri, string body, string? client = "web", string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new(contentType);
        if (client is not null)
        {
            request.Headers.Add("X-Client", client);
        }
        return request;
    }

    [Fact]
    public async Task Validator_MissingOrBlankParameters_Answers400WithAwsMessage()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(ValidatedApi(Mock("{\"ok\": true}"))));

        using var missing = await gateway.Client.SendAsync(Post("/prod/pets/1", "{\"name\":\"rex\",\"price\":1}", client: null));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        // AWS's order: headers, then path, then query string.
        Assert.Equal("{\"message\":\"Missing required request parameters: [X-Client, owner]\"}", await missing.Content.ReadAsStringAsync());
        Assert.Equal("BadRequestException", missing.Headers.GetValues("x-amzn-ErrorType").Single());

        using var blank = await gateway.Client.SendAsync(Post("/prod/pets/1?owner=%20", "{\"name\":\"rex\",\"price\":1}"));
        Assert.Equal("{\"message\":\"Missing required request parameters: [owner]\"}", await blank.Content.ReadAsStringAsync());

        using var fine = await gateway.Client.SendAsync(Post("/prod/pets/1?owner=ann", "{\"name\":\"rex\",\"price\":1}"));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Validator_InvalidBody_Answers400WithValidationErrorString()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(ValidatedApi(Mock("{\"ok\": true}"))));

        using var response = await gateway.Client.SendAsync(Post("/prod/pets/1?owner=ann", "{\"price\": -1}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Invalid request body", body.RootElement.GetProperty("message").GetString());
        var details = body.RootElement.GetProperty("details").GetString();
        Assert.Equal("[object has missing required properties ([\"name\"]), numeric instance is lower than the required minimum (minimum: 0, found: -1)]", details);
    }

    [Fact]
    public async Task Validator_ValidBody_ReachesIntegrationOnce()
    {
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/pets", "{\"got\": $input.json('$.name')}", Response("default", 200));
        await using var gateway = await RunningGateway.StartAsync(Config(ValidatedApi(integration)));

        using var response = await gateway.Client.SendAsync(Post("/prod/pets/1?owner=ann", "{\"name\":\"rex\",\"price\":1.5,\"tags\":[\"a\"]}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("{\"got\": \"rex\"}", echo.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Validator_ParametersOnly_LetsAnyBodyThrough()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(ValidatedApi(Mock("{}"), "params-only")));
        using var response = await gateway.Client.SendAsync(Post("/prod/pets/1?owner=ann", "not json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Validator_ContentTypeWithoutModel_IsNotValidated()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(ValidatedApi(Mock("{}"))));
        using var response = await gateway.Client.SendAsync(Post("/prod/pets/1?owner=ann", "anything", contentType: "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Validator_BodyOverLimit_Answers413()
    {
        var config = Config(ValidatedApi(Mock("{}"))) with { Server = new ServerSettings { MaxRequestBodyBytes = 64 } };
        await using var gateway = await RunningGateway.StartAsync(config);
        using var request = Post("/prod/pets/1?owner=ann", "{\"name\":\"" + new string('x', 200) + "\",\"price\":1}");
        request.Headers.TransferEncodingChunked = true;
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>Random and truncated JSON through validation and a template must only ever give clean 200 or 400 answers.</summary>
    [Fact]
    public async Task Fuzz_RandomAndTruncatedBodies_OnlyClean2xxOr4xx()
    {
        const string Template = """
            #set($r = $input.path('$'))
            {"name": "$util.escapeJavaScript($r.name)", "tags": $input.json('$.tags'), "first": $input.json('$.tags[0]'),
             #foreach($t in $r.tags)"t$foreach.index": "$t",#end
             "raw": "$util.escapeJavaScript($input.body)", "all": $input.json('$')}
            """;
        await using var backend = await TestBackend.StartAsync();
        var integration = Http(backend.Url + "/fuzz", Template, Response("default", 200));
        await using var validating = await RunningGateway.StartAsync(Config(ValidatedApi(integration)));
        // Parameters only: every body, valid or not, reaches the template.
        await using var templating = await RunningGateway.StartAsync(Config(ValidatedApi(integration, "params-only")));
        var random = new Random(20240611);
        const string Seed = "{\"name\":\"r\\u00e9x \\\"q\\\"\",\"price\":12.5e1,\"tags\":[\"a\",\"b\",{\"deep\":[1,2,{\"x\":null}]}],\"extra\":true}";
        string[] fragments = ["{", "}", "[", "]", "\"", ":", ",", "\\", "\\u12", "null", "-0.0e", "1e999", "\u00ff", "\ud83d\ude00", "#set(", "$input", " ", "\n"];
        var counts = new int[600];
        for (var i = 0; i < 300; i++)
        {
            var body = (i % 3) switch
            {
                0 => Seed[..random.Next(Seed.Length + 1)],
                1 => string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => fragments[random.Next(fragments.Length)])),
                _ => Mutate(Seed, random),
            };
            using var validated = await validating.Client.SendAsync(Post("/prod/pets/1?owner=ann", body));
            var status = (int)validated.StatusCode;
            counts[status]++;
            Assert.True(status is 200 or 400, $"body {JsonSerializer.Serialize(body)} gave {status}: {await validated.Content.ReadAsStringAsync()}");
            using var templated = await templating.Client.SendAsync(Post("/prod/pets/1?owner=ann", body));
            Assert.True(templated.StatusCode == HttpStatusCode.OK, $"body {JsonSerializer.Serialize(body)} gave {(int)templated.StatusCode}: {await templated.Content.ReadAsStringAsync()}");
        }
        Assert.True(counts[400] > 0, "no body was refused");
        foreach (var gateway in new[] { validating, templating })
        {
            Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("unexpected failure", StringComparison.Ordinal) || l.Contains(Gateway.Templates.VelocityTemplate.InternalErrorPrefix, StringComparison.Ordinal));
        }
    }

    private static string Mutate(string seed, Random random)
    {
        var chars = seed.ToCharArray();
        for (var j = 0; j < 3; j++)
        {
            chars[random.Next(chars.Length)] = (char)random.Next(0x20, 0x7f);
        }
        return new string(chars);
    }
}
