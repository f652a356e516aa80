using BenchmarkDotNet.Running;

namespace Tollgate.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Tollgate.Benchmarks -- --filter '*'</c> runs the
/// BenchmarkDotNet suite; <c>scale --routes N --config PATH</c> prints bench/run.sh's in-process
/// scale figures as JSON.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            return ScaleCommand.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] == "template-memory")
        {
            return TemplateMemoryCommand.Run(args[1..]);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
