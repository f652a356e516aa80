using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Commands;

/// <summary>
/// <c>tollgate sample-backend</c>: a small pet store backend for the examples and for trying
/// integrations out. Not part of the gateway.
/// </summary>
internal static class SampleBackendCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "The URL to listen on.",
            DefaultValueFactory = _ => "http://127.0.0.1:9000",
        };
        var command = new Command("sample-backend", "Run a small pet store backend (GET/POST /pets, GET /pets/{id}; anything else is echoed back).");
        command.Options.Add(listen);
        command.SetAction(async (result, cancellationToken) =>
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(result.GetValue(listen)!);
            var app = builder.Build();
            var pets = new PetStore();
            app.Run(pets.HandleAsync);
            await app.StartAsync(cancellationToken);
            Console.WriteLine($"Sample backend listening on {result.GetValue(listen)}");
            await app.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private sealed class PetStore
    {
        private readonly Lock _gate = new();
        private readonly List<JsonObject> _pets =
        [
            new() { ["id"] = 1, ["type"] = "dog", ["price"] = 249.99 },
            new() { ["id"] = 2, ["type"] = "cat", ["price"] = 124.99 },
            new() { ["id"] = 3, ["type"] = "fish", ["price"] = 0.99 },
        ];

        public Task HandleAsync(HttpContext http)
        {
            var path = (http.Request.Path.Value ?? "/").TrimEnd('/');
            var method = http.Request.Method;
            if (path == "/pets" && HttpMethods.IsGet(method))
            {
                lock (_gate)
                {
                    return WriteAsync(http, 200, new JsonArray([.. _pets.Select(p => p.DeepClone())]));
                }
            }
            if (path == "/pets" && HttpMethods.IsPost(method))
            {
                return CreateAsync(http);
            }
            if (path.StartsWith("/pets/", StringComparison.Ordinal) && HttpMethods.IsGet(method))
            {
                var id = path["/pets/".Length..];
                lock (_gate)
                {
                    var pet = _pets.Find(p => p["id"]!.ToString() == id);
                    return pet is null
                        ? WriteAsync(http, 404, new JsonObject { ["message"] = $"There is no pet {id}." })
                        : WriteAsync(http, 200, pet.DeepClone());
                }
            }
            return EchoAsync(http);
        }

        private async Task CreateAsync(HttpContext http)
        {
            JsonObject? pet;
            try
            {
                pet = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException)
            {
                pet = null;
            }
            if (pet is null)
            {
                await WriteAsync(http, 400, new JsonObject { ["message"] = "The body must be a JSON object." });
                return;
            }
            lock (_gate)
            {
                pet["id"] = _pets.Count + 1;
                _pets.Add(pet);
            }
            await WriteAsync(http, 201, pet.DeepClone());
        }

        private static async Task EchoAsync(HttpContext http)
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var headers = new JsonObject();
            foreach (var (name, values) in http.Request.Headers)
            {
                headers[name] = values.ToString();
            }
            await WriteAsync(http, 200, new JsonObject
            {
                ["method"] = http.Request.Method,
                ["path"] = http.Request.Path.Value,
                ["query"] = http.Request.QueryString.Value,
                ["headers"] = headers,
                ["body"] = body,
            });
        }

        private static Task WriteAsync(HttpContext http, int status, JsonNode body)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
        }
    }
}
