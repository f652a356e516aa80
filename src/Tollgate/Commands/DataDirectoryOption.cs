using System.CommandLine;

namespace Tollgate.Commands;

/// <summary>
/// <c>--data-dir</c>, shared by <c>serve</c> and <c>usage</c>. The default is the directory
/// <c>data</c> beside the config file, so that both commands find the same database whatever
/// directory they are run from.
/// </summary>
internal static class DataDirectoryOption
{
    public const string DefaultName = "data";

    public static Option<DirectoryInfo?> Create() => new("--data-dir")
    {
        Description = "Where the usage database (tollgate.db) lives. Default: the directory 'data' beside the config file.",
    };

    /// <summary>The directory asked for, else the default for the config file at <paramref name="configPath"/>.</summary>
    public static string Resolve(ParseResult result, Option<DirectoryInfo?> option, string configPath) =>
        result.GetValue(option)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? ".", DefaultName);
}
