using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Authorizers.Iam;

namespace Tollgate.Gateway.Policies.Authorizers.Lambda;

/// <summary>
/// Reads what a REST Lambda authorizer returned: <c>{principalId, policyDocument, context,
/// usageIdentifierKey}</c>. <c>policyDocument</c> is required and must be a valid policy;
/// <c>context</c> values must be strings, numbers or booleans (API Gateway refuses objects and
/// arrays). Anything else is a bad output, which API Gateway answers with 500.
/// </summary>
internal static class AuthorizerOutput
{
    /// <summary>The decision, or null with <paramref name="problem"/> saying why the output is unusable.</summary>
    public static AuthorizerDecision? Read(byte[] payload, out string? problem)
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
            var context = AuthorizerValues.NoContext;
            if (root.TryGetProperty("context", out var contextElement) && contextElement.ValueKind != JsonValueKind.Null)
            {
                if (contextElement.ValueKind != JsonValueKind.Object)
                {
                    problem = "context must be an object";
                    return null;
                }
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in contextElement.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }
                    if (Scalar(p.Value) is not { } value)
                    {
                        problem = $"context value '{p.Name}' is an object or array; only strings, numbers and booleans are allowed";
                        return null;
                    }
                    values[p.Name] = value;
                }
                context = values.ToFrozenDictionary(StringComparer.Ordinal);
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
            return new AuthorizerDecision(policy, new AuthorizerValues(principalId, context, null, []), usageKey);
        }
    }

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
