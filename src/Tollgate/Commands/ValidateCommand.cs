using System.CommandLine;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Commands;

/// <summary><c>tollgate validate</c>: every problem of a config, and a non-zero exit on any error.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var command = new Command("validate", "Check a config file or an OpenAPI export and print every problem. Exits 1 on any error.");
        config.AddTo(command);
        command.SetAction(result =>
        {
            if (config.Read(result, Console.Error) is not var (path, options))
            {
                return 2;
            }
            // The pipeline a gateway runs at start and at every reload, over services of its
            // own: reading, validation and compile-stage problems, all in one pass.
            using var source = ConfigOptions.Source(path, options);
            var load = source.Load();
            var diagnostics = new DiagnosticBag();
            ConfigPipeline.Check(load, TimeProvider.System, diagnostics);
            foreach (var problem in diagnostics.Items)
            {
                Console.WriteLine(problem);
            }
            var errors = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
            var warnings = diagnostics.Items.Count - errors;
            Console.WriteLine(errors == 0
                ? $"{path}: valid ({load.Config?.Apis.Length ?? 0} API(s), {warnings} warning(s))."
                : $"{path}: {errors} error(s), {warnings} warning(s).");
            return errors == 0 ? 0 : 1;
        });
        return command;
    }
}
