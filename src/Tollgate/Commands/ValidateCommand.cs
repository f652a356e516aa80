using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations.Lambda;
using Tollgate.Gateway.Pipeline;

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
            var load = ConfigOptions.Load(path, options);
            var diagnostics = new DiagnosticBag();
            diagnostics.AddRange(load.Diagnostics);
            if (load.Config is not null && !diagnostics.HasErrors)
            {
                // Compiling finds what only the compiler checks (mappings, templates, selection patterns).
                using var forwarder = new HttpForwarder(TimeProvider.System, NullLogger<HttpForwarder>.Instance);
                using var lambda = new LambdaClient(TimeProvider.System, NullLogger.Instance);
                SnapshotCompiler.Compile(load.Config, new GatewayServices(TimeProvider.System, NullLoggerFactory.Instance, forwarder, lambda), diagnostics);
            }
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
