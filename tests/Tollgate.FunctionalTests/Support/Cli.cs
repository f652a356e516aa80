using System.Diagnostics;
using System.Text;

namespace Tollgate.FunctionalTests.Support;

/// <summary>Runs the real <c>tollgate</c> executable that the solution build produced.</summary>
public static class Cli
{
    public static string DllPath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tollgate.sln")))
            {
                dir = dir.Parent;
            }
            Assert.True(dir is not null, "the repository root (Tollgate.sln) was not found above " + AppContext.BaseDirectory);
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(dir!.FullName, "src", "Tollgate", "bin", configuration, "net10.0", "tollgate.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first (./test.sh does).");
            return dll;
        }
    }

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Collects a process's output lines as they come, and lets a test wait for one.</summary>
    public sealed class Lines
    {
        private readonly StringBuilder _all = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

        public void Attach(Process process)
        {
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public override string ToString()
        {
            lock (_all)
            {
                return _all.ToString();
            }
        }

        public Task<string> WaitFor(Func<string, bool> match)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_all)
            {
                foreach (var line in _all.ToString().Split('\n'))
                {
                    if (match(line))
                    {
                        return Task.FromResult(line);
                    }
                }
                _waiters.Add((match, done));
            }
            return done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_all)
            {
                _all.AppendLine(line);
                foreach (var waiter in _waiters.ToList())
                {
                    if (waiter.Match(line))
                    {
                        _waiters.Remove(waiter);
                        waiter.Done.TrySetResult(line);
                    }
                }
            }
        }
    }
}
