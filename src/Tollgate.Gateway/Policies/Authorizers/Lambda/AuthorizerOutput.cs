using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>
/// Reads what a Lambda authorizer returned: <c>{principalId, policyDocument, context,
/// usageIdentifierKey}</c>, or with HTTP API simple responses <c>{isAuthorized, context}</c>.
/// <c>policyDocument</c> (or <c>isAuthorized</c>, a boolean) is required and must be valid.
/// REST <c>context</c> values must be strings, numbers or booleans (API Gateway refuses objects and
/// arrays); HTTP APIs take any JSON value (AWS's own example returns an array and a map), given to
/// <c>$context.authorizer.key</c> as JSON text and to payload 2.0 events as they are. Anything else
/// is a bad output, which API Gateway answers with 500.
/// </summary>
internal static class AuthorizerOutput
{
    /// <summary>The decision, or null with <paramref name="problem"/> saying why the output is unusable.</summary>
    public static AuthorizerDecision? Read(byte[] payload, out string? problem) => Read(payload, httpApi: false, simple: false, out problem);

    /// <summary>As <see cref="Read(byte[], out string?)"/>, for HTTP APIs (<paramref name="httpApi"/>) and their simple responses.</summary>
    public static AuthorizerDecision? Read(byte[] payload, bool httpApi, bool simple, out string? problem)
    {
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            problem = "the output is not JSON: " + e.Message;
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the output is not a JSON object";
                return null;
            }
            if (!TryReadContext(root, httpApi, out var context, out var raw, out problem))
            {
                return null;
            }
            if (simple)
            {
                if (!root.TryGetProperty("isAuthorized", out var allowed) || allowed.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problem = "isAuthorized is missing or not a boolean";
                    return null;
                }
                return new AuthorizerDecision(allowed.GetBoolean(), new AuthorizerValues(null, context, null, []) { LambdaContext = raw });
            }
            string? principalId = null;
            if (root.TryGetProperty("principalId", out var principal))
            {
                principalId = Scalar(principal);
                if (principalId is null && principal.ValueKind != JsonValueKind.Null)
                {
                    problem = "principalId must be a string";
                    return null;
                }
            }
            if (!root.TryGetProperty("policyDocument", out var policyDocument) || policyDocument.ValueKind != JsonValueKind.Object)
            {
                problem = "policyDocument is missing or not an object";
                return null;
            }
            var diagnostics = new DiagnosticBag();
            var policy = IamPolicy.Compile(policyDocument, diagnostics, "policyDocument");
            if (policy is null)
            {
                problem = string.Join("; ", diagnostics.Items);
                return null;
            }
            string? usageKey = null;
            if (root.TryGetProperty("usageIdentifierKey", out var key) && key.ValueKind != JsonValueKind.Null)
            {
                if (key.ValueKind != JsonValueKind.String)
                {
                    problem = "usageIdentifierKey must be a string";
                    return null;
                }
                usageKey = key.GetString();
            }
            return new AuthorizerDecision(policy, new AuthorizerValues(principalId, context, null, []) { LambdaContext = raw }, usageKey);
        }
    }

    /// <summary>
    /// The <c>context</c> as strings, and for HTTP APIs also as returned (<paramref name="raw"/>: the
    /// object cloned, or a JSON null when there is none; left undefined for REST).
    /// </summary>
    private static bool TryReadContext(JsonElement root, bool httpApi, out FrozenDictionary<string, string> context, out JsonElement raw, out string? problem)
    {
        context = AuthorizerValues.NoContext;
        raw = default;
        problem = null;
        if (!root.TryGetProperty("context", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            raw = httpApi ? NullElement : default;
            return true;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = "context must be an object";
            return false;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (Scalar(p.Value) is { } value)
            {
                values[p.Name] = value;
            }
            else if (httpApi)
            {
                values[p.Name] = p.Value.GetRawText();
            }
            else
            {
                problem = $"context value '{p.Name}' is an object or array; only strings, numbers and booleans are allowed";
                return false;
            }
        }
        context = values.ToFrozenDictionary(StringComparer.Ordinal);
        raw = httpApi ? element.Clone() : default;
        return true;
    }

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>The function's error message (<c>errorMessage</c>), if its error object has one.</summary>
    public static string? ErrorMessage(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String)
            {
                return m.GetString();
            }
            return root.ValueKind == JsonValueKind.String ? root.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
