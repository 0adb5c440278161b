using System.Diagnostics;

namespace MediaMemory.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a helper program built next to the tests (<c>dotnet NAME.dll ARGS</c>) and collects its output; a helper
/// that outlives the timeout is killed with its children. Helpers that must run in a cgroup move themselves into it
/// from the directory they are given. Stateless and thread-safe.
/// </summary>
internal static class HelperProcess
{
    /// <summary>Runs <paramref name="dllName"/> with <paramref name="args"/>; returns its exit code (137 when the
    /// OOM killer ended it), stdout and stderr.</summary>
    public static ProcessResult Run(string dllName, TimeSpan timeout, params string[] args)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, dllName);
        Assert.True(File.Exists(helper), $"{helper} was not built next to the tests");
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(helper);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dllName}");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
