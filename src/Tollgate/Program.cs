using System.CommandLine;
using Tollgate.Commands;

namespace Tollgate;

/// <summary>The <c>tollgate</c> command line.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Tollgate: a self-hosted API gateway that serves Amazon API Gateway OpenAPI exports.")
        {
            ServeCommand.Create(),
            ValidateCommand.Create(),
            SampleBackendCommand.Create(),
            UsageCommand.Create(),
        };
        // The host handles Ctrl-C and SIGTERM itself, draining requests in flight before it exits.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
