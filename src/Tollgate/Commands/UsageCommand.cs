using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Policies.Throttling;

namespace Tollgate.Commands;

/// <summary><c>tollgate usage</c>: a usage plan's usage per key and day, in the shape of API Gateway's GetUsage.</summary>
internal static class UsageCommand
{
    private const string DayFormat = "yyyy-MM-dd";

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = "The Tollgate config file that declares the usage plans and API keys.",
            Required = true,
        };
        var plan = new Option<string>("--usage-plan")
        {
            Description = "The usage plan, by name or id.",
            Required = true,
        };
        var key = new Option<string?>("--key") { Description = "Only this API key (name or id)." };
        var start = new Option<string?>("--start") { Description = "First day, yyyy-MM-dd (UTC). Default: the first day of the plan's current quota period." };
        var end = new Option<string?>("--end") { Description = "Last day, yyyy-MM-dd (UTC), included. Default: today." };
        var dataDir = DataDirectoryOption.Create();
        var command = new Command("usage", "Print a usage plan's requests per key and day, with the quota remaining, as API Gateway's GetUsage JSON.")
        {
            config, plan, key, start, end, dataDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(config)!.FullName;
            if (!TryDay(result.GetValue(start), "--start", out var first) || !TryDay(result.GetValue(end), "--end", out var last))
            {
                return 2;
            }
            var load = ConfigLoader.Load(path, LoadOptions.Default);
            if (load.Config is null)
            {
                foreach (var problem in load.Diagnostics)
                {
                    Console.Error.WriteLine(problem);
                }
                Console.Error.WriteLine($"{path}: the config has errors.");
                return 1;
            }
            var database = Path.Combine(DataDirectoryOption.Resolve(result, dataDir, path), UsageServices.DatabaseFileName);
            var answer = await UsageQuery.RunAsync(load.Config, database, result.GetValue(plan)!, result.GetValue(key),
                first, last, DateTimeOffset.UtcNow, cancellationToken);
            if (answer.Error is not null)
            {
                Console.Error.WriteLine($"error: {answer.Error}");
                return 1;
            }
            using var document = JsonDocument.Parse(answer.Json!);
            Console.WriteLine(JsonSerializer.Serialize(document.RootElement, Indented));
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static bool TryDay(string? text, string option, out DateOnly? day)
    {
        day = null;
        if (text is null)
        {
            return true;
        }
        if (DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            day = parsed;
            return true;
        }
        Console.Error.WriteLine($"error: {option} '{text}' is not a date in the form yyyy-MM-dd.");
        return false;
    }
}
