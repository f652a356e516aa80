using System.CommandLine;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Hosting;
using Tollgate.Gateway.Storage;

namespace Tollgate.Commands;

/// <summary><c>tollgate serve</c>: load, validate, serve, and reload on change until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new ConfigOptions();
        var listen = new Option<string[]>("--listen", "-l")
        {
            Description = "A URL to listen on, e.g. http://0.0.0.0:8080. Repeatable. Default: the config's server.listen, else http://127.0.0.1:8080.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Trace, Debug, Information, Warning or Error.",
            DefaultValueFactory = _ => LogLevel.Information,
        };
        var logFormat = new Option<LogFormat>("--log-format")
        {
            Description = "Text (one line each) or Json (one JSON object a line, with the request id and trace id of request-scoped lines).",
            DefaultValueFactory = _ => LogFormat.Text,
        };
        var dataDir = DataDirectoryOption.Create();
        var command = new Command("serve", "Serve the APIs of a config file or an OpenAPI export; reload when the files change.");
        config.AddTo(command);
        command.Options.Add(listen);
        command.Options.Add(logLevel);
        command.Options.Add(logFormat);
        command.Options.Add(dataDir);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (config.Read(result, Console.Error) is not var (path, options))
            {
                return 2;
            }
            GatewayServer server;
            try
            {
                server = await GatewayServer.StartAsync(new GatewayServerOptions
                {
                    Source = ConfigOptions.Source(path, options),
                    Listen = result.GetValue(listen) ?? [],
                    MinimumLogLevel = result.GetValue(logLevel),
                    LogFormat = result.GetValue(logFormat),
                    // Chosen when a config first needs the usage database: one without usage
                    // plans or API keys (an export served from a read-only checkout) needs none.
                    ChooseDataDirectory = () => DataDirectoryOption.Resolve(result, dataDir, path, forWriting: true),
                }, cancellationToken);
            }
            catch (UsageDatabaseException e)
            {
                Console.Error.WriteLine($"{path}: not served: cannot open the usage database: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                // Kestrel could not bind a listen address (in use, not an address of this machine).
                Console.Error.WriteLine($"{path}: not served: cannot listen: {e.Message}");
                return 1;
            }
            catch (InvalidConfigException e)
            {
                foreach (var problem in e.Problems)
                {
                    Console.Error.WriteLine(problem);
                }
                Console.Error.WriteLine($"{path}: not served: {e.Message}");
                return 1;
            }
            await using (server)
            {
                if (result.GetValue(logFormat) == LogFormat.Json)
                {
                    // Every line on the console one JSON object, for the log shipper that reads it.
                    var logger = server.CreateLogger("Tollgate");
                    foreach (var warning in server.Warnings)
                    {
                        logger.LogWarning("{Warning}", warning.ToString());
                    }
                    foreach (var address in server.Addresses)
                    {
                        logger.LogInformation("Tollgate is serving {Source} on {Address}", path, address);
                    }
                    foreach (var address in server.AdminAddresses)
                    {
                        logger.LogInformation("Admin listener (/healthz, /readyz, /metrics) on {Address}", address);
                    }
                }
                else
                {
                    foreach (var warning in server.Warnings)
                    {
                        Console.Error.WriteLine(warning);
                    }
                    foreach (var address in server.Addresses)
                    {
                        Console.WriteLine($"Tollgate is serving {path} on {address}");
                    }
                    foreach (var address in server.AdminAddresses)
                    {
                        Console.WriteLine($"Admin listener (/healthz, /readyz, /metrics) on {address}");
                    }
                }
                await server.WaitForShutdownAsync(CancellationToken.None);
            }
            return 0;
        });
        return command;
    }
}
