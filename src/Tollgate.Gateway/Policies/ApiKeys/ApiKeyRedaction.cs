namespace Tollgate.Gateway.Policies.ApiKeys;

/// <summary>The only form in which an API key value may reach a log, a diagnostic or an error message.</summary>
internal static class ApiKeyRedaction
{
    /// <summary>
    /// The first four characters and an ellipsis (<c>abcd...</c>); values shorter than 12
    /// characters print as <c>...</c> only, since four characters of a short key give away too much.
    /// </summary>
    public static string Prefix(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)" : value.Length < 12 ? "..." : string.Concat(value.AsSpan(0, 4), "...");
}
