using System.Diagnostics;

namespace MediaMemory.Tests;

/// <summary>
/// Runs a program in a process of its own and collects its exit code and output: for what only a fresh
/// process shows (no GC has run yet) and for the repository's scripts. Stateless and thread-safe.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Longest wait for the program (a guard against a hang, not a measurement): 60 s.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> and, when given, extra environment variables.</summary>
    public static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not end within {Timeout.TotalSeconds} s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs the <c>mediamem</c> built next to the tests with the same <c>dotnet</c> host.</summary>
    public static (int ExitCode, string Output, string Error) RunMediamem(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        return Run(host, [Path.Combine(AppContext.BaseDirectory, "mediamem.dll"), .. args], environment);
    }
}
