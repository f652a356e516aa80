using Tollgate.Gateway.Model;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Policies.ApiKeys;

/// <summary>
/// Resolves <c>valueFrom: { env: NAME }</c> and <c>valueFrom: { file: path }</c> for the config
/// loader. Messages name the variable or file, never the secret.
/// </summary>
internal static class SecretResolver
{
    /// <param name="reference">Where the secret is.</param>
    /// <param name="configDirectory">The directory of the config file; relative file paths start there.</param>
    /// <param name="location">The object, for diagnostics (e.g. <c>API key 'tenant-a', valueFrom</c>).</param>
    /// <param name="diagnostics">Receives the problems.</param>
    /// <param name="environment">Reads an environment variable; default <see cref="Environment.GetEnvironmentVariable(string)"/> (tests pass their own).</param>
    /// <returns>The secret, or null after reporting an error.</returns>
    public static string? Resolve(SecretReference reference, string configDirectory, string location, DiagnosticBag diagnostics,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if ((reference.Env is null) == (reference.File is null))
        {
            diagnostics.Error(location, "give exactly one of 'env' and 'file'.");
            return null;
        }
        if (reference.Env is { } name)
        {
            var value = (environment ?? Environment.GetEnvironmentVariable)(name);
            if (string.IsNullOrEmpty(value))
            {
                diagnostics.Error(location, $"environment variable '{name}' is not set or empty.");
                return null;
            }
            return value;
        }
        var path = Path.GetFullPath(Path.Combine(configDirectory, reference.File!));
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(location, $"cannot read file '{path}': {e.Message}");
            return null;
        }
        text = text.Trim();
        if (text.Length == 0)
        {
            diagnostics.Error(location, $"file '{path}' is empty.");
            return null;
        }
        return text;
    }
}
