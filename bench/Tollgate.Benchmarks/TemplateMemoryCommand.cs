using System.Globalization;
using System.Text;
using Tollgate.Gateway.Templates;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Templates.ApiGateway;
using Tollgate.Gateway.Templates.Engine;

namespace Tollgate.Benchmarks;

/// <summary>
/// Bytes one mapping-template render allocates over a large body, as the gateway runs it: the
/// template rendered over the body's UTF-8, the output encoded to UTF-8. The body itself (read
/// by the gateway before any render) is not counted.
/// </summary>
/// <remarks>
/// Usage: <c>template-memory [--mb 10] [--budget BYTES] [--template "$input.json('$')"]...</c>;
/// with <c>--concurrent N</c>, N renders of the first template at once and the memory the
/// process keeps afterwards.
/// </remarks>
internal static class TemplateMemoryCommand
{
    public static int Run(string[] args)
    {
        var megabytes = 10;
        var concurrent = 0;
        var budget = RenderBudget.DefaultLimit;
        var templates = new List<string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--mb": megabytes = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--template": templates.Add(args[i + 1]); break;
                case "--concurrent": concurrent = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--budget": budget = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (templates.Count == 0)
        {
            templates.AddRange(["$input.json('$')", "$input.json('$..*')", "$input.path('$')", "#set($r = $input.path('$'))#foreach($i in $r.items)$i.id,#end"]);
        }
        var body = Body(megabytes * 1024 * 1024);
        Console.WriteLine($"body: {body.Length:N0} bytes");
        if (concurrent > 0)
        {
            return Concurrent(templates[0], body, budget, concurrent);
        }
        foreach (var text in templates)
        {
            var template = VelocityTemplate.Parse(text, NullReferenceRendering.Empty).Template!;
            for (var run = 0; run < 2; run++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var before = GC.GetAllocatedBytesForCurrentThread();
                var (length, error) = Render(template, body, budget);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Console.WriteLine($"{text,-60} run {run}: allocated {allocated / 1048576.0,8:F1} MiB ({(double)allocated / body.Length:F1}x body), output {length:N0} bytes{(error is null ? "" : ", error: " + error)}");
            }
        }
        return 0;
    }

    /// <summary>
    /// <paramref name="count"/> renders at once, then what the process keeps: the GC heap's
    /// size and committed memory and the working set, before and after a full blocking collection.
    /// </summary>
    private static int Concurrent(string text, byte[] body, long budget, int count)
    {
        var template = VelocityTemplate.Parse(text, NullReferenceRendering.Empty).Template!;
        GC.Collect();
        Report("idle");
        var threads = new Thread[count];
        var errors = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var at = i;
            threads[i] = new Thread(() => errors[at] = Render(template, body, budget).Error);
            threads[i].Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
        Console.WriteLine($"{count} x {text}: {errors.Count(e => e is null)} rendered, {errors.Count(e => e is not null)} refused");
        Report("after the renders");
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Report("after a full GC");
        return 0;
    }

    private static void Report(string when)
    {
        var info = GC.GetGCMemoryInfo();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        Console.WriteLine($"  {when,-18}: heap live {info.HeapSizeBytes / 1048576.0,7:F0} MiB, committed {info.TotalCommittedBytes / 1048576.0,7:F0} MiB, working set {process.WorkingSet64 / 1048576.0,7:F0} MiB, peak {process.PeakWorkingSet64 / 1048576.0,7:F0} MiB");
    }

    private static (int Length, string? Error) Render(VelocityTemplate template, byte[] body, long budget)
    {
        using var input = new InputVariable(body, new RenderBudget(budget));
        var output = new StringBuilder(256);
        var result = template.Render(new ApiGatewayScope(input), output);
        if (!result.Success)
        {
            return (0, result.Error);
        }
        return (MappingTemplates.ToUtf8(output).Length, null);
    }

    /// <summary>A JSON body of about <paramref name="size"/> bytes: an array of small nested objects.</summary>
    internal static byte[] Body(int size)
    {
        var sb = new StringBuilder(size + 256);
        sb.Append("{\"items\":[");
        for (var i = 0; sb.Length < size - 200; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"name\":\"item {i}\",\"price\":{i % 1000}.5,\"tags\":[\"a\",\"b\"],\"dim\":{{\"w\":{i % 7},\"h\":3}}}}");
        }
        sb.Append("]}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
