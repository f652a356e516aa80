using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Tests.Support;

namespace Tollgate.FunctionalTests.Authorizers;

/// <summary>Signs requests for a running gateway with botocore's SigV4Auth / SigV4QueryAuth (python3-botocore).</summary>
internal static class BotocoreSigner
{
    public const string Key = "AKIAEXAMPLEREPORTS1";
    public const string Secret = "k5N0pR8sT2vW4yZ6bC8dF0hJ2lN4pR6tV8xZ0bD2";

    public sealed record Sign(string Method, string Path, string Body = "", string Key = Key, string Secret = Secret, string? Token = null,
        bool Presign = false, bool Unsigned = false, string Region = AuthorizerSetup.Region, string? ContentType = null);

    /// <summary>Signs each request with botocore for the gateway's address; returns them ready to send.</summary>
    public static List<Func<HttpRequestMessage>> SignAll(RunningGateway gateway, params Sign[] cases)
    {
        var input = new JsonArray();
        foreach (var c in cases)
        {
            var headers = new JsonObject();
            if (c.ContentType is not null)
            {
                headers["Content-Type"] = c.ContentType;
            }
            if (c.Unsigned)
            {
                headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD";
            }
            input.Add(new JsonObject
            {
                ["method"] = c.Method,
                ["url"] = new Uri(gateway.BaseUri, c.Path).ToString(),
                ["body"] = c.Body,
                ["key"] = c.Key,
                ["secret"] = c.Secret,
                ["token"] = c.Token,
                ["presign"] = c.Presign,
                ["unsigned"] = c.Unsigned,
                ["region"] = c.Region,
                ["headers"] = headers,
            });
        }
        using var output = JsonDocument.Parse(Python.Run(BotocoreScript.Signer, input.ToJsonString()));
        var result = new List<Func<HttpRequestMessage>>();
        var i = 0;
        foreach (var signed in output.RootElement.EnumerateArray())
        {
            var c = cases[i++];
            var url = signed.GetProperty("url").GetString()!;
            var headers = signed.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString()!)).ToList();
            result.Add(() =>
            {
                var request = new HttpRequestMessage(new HttpMethod(c.Method), url);
                if (c.Body.Length > 0)
                {
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
                }
                foreach (var (name, value) in headers)
                {
                    if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        request.Content ??= new ByteArrayContent([]);
                        request.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                    else
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }
                }
                return request;
            });
        }
        return result;
    }
}
