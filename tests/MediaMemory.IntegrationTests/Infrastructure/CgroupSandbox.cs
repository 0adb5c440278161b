using System.Diagnostics;
using System.Globalization;
using MediaMemory.Platform;

namespace MediaMemory.IntegrationTests.Infrastructure;

/// <summary>
/// A child memory cgroup under this test process's own, with a memory limit, that runs commands
/// inside it and is removed on dispose (also when the test failed).
/// </summary>
/// <remarks>
/// The command starts in a shell that writes its own PID into the child's <c>cgroup.procs</c> and
/// then <c>exec</c>s the program, so the program runs in the cgroup from its first instruction.
/// Not thread-safe; one test owns one sandbox.
/// </remarks>
internal sealed class CgroupSandbox : IDisposable
{
    private CgroupSandbox(string directory, CgroupVersion version)
    {
        Directory = directory;
        Version = version;
    }

    /// <summary>The child cgroup's directory.</summary>
    public string Directory { get; }

    public CgroupVersion Version { get; }

    /// <summary>
    /// Creates a child cgroup limited to <paramref name="limitBytes"/>, or returns null with the
    /// reason when this machine has no writable memory cgroup (the caller skips with it).
    /// </summary>
    public static CgroupSandbox? TryCreate(long limitBytes, out string whyNot)
    {
        var limits = MemoryLimits.Detect();
        if (!OperatingSystem.IsLinux() || limits.CgroupDirectory is null || limits.CgroupVersion == CgroupVersion.None)
        {
            whyNot = "no memory cgroup is mounted for this process (needs Linux with the cgroup v1 memory controller or cgroup v2)";
            return null;
        }

        var child = Path.Combine(limits.CgroupDirectory, $"mediamem-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        try
        {
            System.IO.Directory.CreateDirectory(child);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            whyNot = $"the memory cgroup {limits.CgroupDirectory} is not writable ({ex.Message}); run as root or with a delegated cgroup";
            return null;
        }

        var sandbox = new CgroupSandbox(child, limits.CgroupVersion);
        try
        {
            var limitFile = limits.CgroupVersion == CgroupVersion.V1 ? "memory.limit_in_bytes" : "memory.max";
            File.WriteAllText(Path.Combine(child, limitFile), limitBytes.ToString(CultureInfo.InvariantCulture));
            if (limits.CgroupVersion == CgroupVersion.V1 && File.Exists(Path.Combine(child, "memory.memsw.limit_in_bytes")))
            {
                // Without swap accounting limited too, the kernel could swap instead of killing.
                File.WriteAllText(Path.Combine(child, "memory.memsw.limit_in_bytes"), limitBytes.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            sandbox.Dispose();
            whyNot = $"could not set a memory limit in {child} ({ex.Message})";
            return null;
        }

        whyNot = string.Empty;
        return sandbox;
    }

    /// <summary>Peak memory charged to the cgroup (v1 <c>memory.max_usage_in_bytes</c>, v2 <c>memory.peak</c>), if the kernel reports it.</summary>
    public long? PeakUsageBytes()
    {
        var file = Path.Combine(Directory, Version == CgroupVersion.V1 ? "memory.max_usage_in_bytes" : "memory.peak");
        return File.Exists(file) && long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
    }

    /// <summary>Runs <c>dotnet mediamem.dll ARGS</c> inside the cgroup and waits for it (at most <paramref name="timeout"/>).</summary>
    public ProcessResult RunMediamem(TimeSpan timeout, params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "mediamem.dll");
        Assert.True(File.Exists(tool), $"{tool} was not built next to the tests");
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("echo $$ > \"$0\" && exec \"$@\"");
        start.ArgumentList.Add(Path.Combine(Directory, "cgroup.procs"));
        start.ArgumentList.Add(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet");
        start.ArgumentList.Add(tool);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /bin/sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"mediamem {string.Join(' ', args)} did not finish within {timeout}");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        // A cgroup can be removed once its processes have exited; the kernel may take a moment to
        // notice, so retry briefly. Any process still inside is moved back to the parent first.
        var parentProcs = Path.Combine(Path.GetDirectoryName(Directory)!, "cgroup.procs");
        for (var attempt = 0; attempt < 50 && System.IO.Directory.Exists(Directory); attempt++)
        {
            try
            {
                foreach (var pid in File.ReadAllLines(Path.Combine(Directory, "cgroup.procs")).Where(l => l.Length > 0))
                {
                    File.WriteAllText(parentProcs, pid);
                }

                System.IO.Directory.Delete(Directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}

internal sealed record ProcessResult(int ExitCode, string Output, string Error);
