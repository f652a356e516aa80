using System.CommandLine;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Commands;

/// <summary>
/// <c>--data-dir</c>, shared by <c>serve</c> and <c>usage</c>. The default is the directory
/// <c>data</c> beside the config file, so that both commands find the same database whatever
/// directory they are run from. Where that cannot be written (an export served from a read-only
/// directory, a checkout owned by someone else), <c>serve</c> falls back to the user's state
/// directory, <c>$XDG_STATE_HOME/tollgate/{config}</c> (default <c>~/.local/state</c>), one
/// directory per config file; <c>usage</c> looks there when the first has no database.
/// <c>serve</c> chooses only when a config first needs the database (it has usage plans or API
/// keys): a config without them neither probes nor makes any of these directories.
/// </summary>
internal static class DataDirectoryOption
{
    public const string DefaultName = "data";

    public static Option<DirectoryInfo?> Create() => new("--data-dir")
    {
        Description = "Where the usage database (tollgate.db) lives. Default: the directory 'data' beside the config file, "
            + "or $XDG_STATE_HOME/tollgate/<config> (~/.local/state/tollgate/<config>) when that cannot be written. "
            + "Used only when the config has usage plans or API keys.",
    };

    /// <summary>
    /// The directory asked for, else the default for the config file at <paramref name="configPath"/>:
    /// for <c>serve</c> (<paramref name="forWriting"/>) the first of the two that can be written;
    /// for <c>usage</c> the first that holds a database.
    /// </summary>
    public static string Resolve(ParseResult result, Option<DirectoryInfo?> option, string configPath, bool forWriting = false)
    {
        if (result.GetValue(option) is { } asked)
        {
            return asked.FullName;
        }
        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? ".", DefaultName);
        var state = StateDirectory(configPath);
        if (forWriting)
        {
            return state is not null && !CanWrite(beside) ? state : beside;
        }
        return state is not null && !File.Exists(Path.Combine(beside, Gateway.Policies.Throttling.UsageServices.DatabaseFileName))
            && File.Exists(Path.Combine(state, Gateway.Policies.Throttling.UsageServices.DatabaseFileName)) ? state : beside;
    }

    /// <summary>
    /// <c>$XDG_STATE_HOME/tollgate/{name}-{hash}</c>: the config file's name and a hash of its full
    /// path, so that two configs never share usage. Null when there is no home to put it in.
    /// </summary>
    internal static string? StateDirectory(string configPath)
    {
        var root = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(root) || !Path.IsPathRooted(root))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }
            root = Path.Combine(home, ".local", "state");
        }
        var full = Path.GetFullPath(configPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..12];
        return Path.Combine(root, "tollgate", Path.GetFileNameWithoutExtension(full) + "-" + hash);
    }

    /// <summary>Whether files can be made in <paramref name="directory"/> (made if missing); tried, not guessed from permissions.</summary>
    private static bool CanWrite(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, ".tollgate-write-probe-" + Environment.ProcessId);
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
