using System.Diagnostics;

namespace Tollgate.Gateway.Tests.Support;

/// <summary>
/// Runs Python scripts for interoperability tests (botocore's signer, PyJWT). The interpreter is
/// <c>$TOLLGATE_PYTHON</c>, else the first of <c>python3</c> and <c>/usr/bin/python3</c> that can
/// import the modules. Missing Python or modules fail the test with instructions; they never
/// skip it.
/// </summary>
internal static class Python
{
    private static readonly Lazy<string> Interpreter = new(Find);

    public static string Run(string script, string? stdin = null)
    {
        var psi = new ProcessStartInfo(Interpreter.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin ?? "");
        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("python did not finish within 60 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python failed ({process.ExitCode}):\n{stderr.Result}");
        }
        return stdout.Result;
    }

    private static string Find()
    {
        const string Probe = "import botocore.auth, jwt, cryptography";
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("TOLLGATE_PYTHON") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }
        candidates.Add("python3");
        candidates.Add("/usr/bin/python3");
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            try
            {
                var psi = new ProcessStartInfo(candidate) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                psi.ArgumentList.Add("-c");
                psi.ArgumentList.Add(Probe);
                using var p = Process.Start(psi)!;
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit(30_000);
                if (p.ExitCode == 0)
                {
                    return candidate;
                }
                tried.Add($"{candidate}: {err.Trim().Split('\n')[^1]}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                tried.Add($"{candidate}: {e.Message}");
            }
        }
        throw new InvalidOperationException(
            "These interoperability tests need python3 with botocore, PyJWT and cryptography " +
            "(apt-get install -y python3-botocore python3-jwt python3-cryptography, or set TOLLGATE_PYTHON). Tried: " +
            string.Join("; ", tried));
    }
}
