using System.CommandLine;
using Tollgate.Commands;

namespace Tollgate;

/// <summary>The <c>tollgate</c> command line.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        // Socket completions run on the event loop thread instead of being queued to the thread
        // pool: one thread hop less per read and write, which on a proxy is a quarter of its CPU
        // time (docs/performance.md). Set before any socket exists; an explicit setting wins.
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }
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
