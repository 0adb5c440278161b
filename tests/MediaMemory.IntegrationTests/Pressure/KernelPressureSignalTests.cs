using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MediaMemory.IntegrationTests.Infrastructure;

namespace MediaMemory.IntegrationTests.Pressure;

/// <summary>
/// The kernel's own pressure signals, for real: a helper process moves itself into a child memory cgroup with a
/// 256 MiB limit, starts <c>CgroupMemorySource</c> (events only: v1 <c>memory.pressure_level</c>),
/// <c>LinuxPsiSource</c> and a usage-only <c>CgroupMemorySource</c> for comparison, keeps 96 MiB of page cache
/// in use and allocates 1 MiB steps towards the limit until a kernel event source that watches that cgroup reports.
/// On cgroup v1, PSI reads <c>/proc/pressure/memory</c>, the whole machine: its signals (<c>"scope":"machine"</c>) are
/// printed but not counted, because anything else on a shared CI host can cause them. One did, once: a "full" stall
/// trigger fired before the helper's allocations began.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KernelPressureSignalTests
{
    private const long LimitBytes = 256L << 20;

    [Fact]
    public void AllocatingTowardsTheLimit_AKernelEventSourceReportsWarningOrCritical()
    {
        using var sandbox = CgroupSandbox.TryCreate(LimitBytes, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        var lines = RunHelper(sandbox.Directory, stepMebibytes: 1, maxMebibytes: 400, cacheMebibytes: 96, TimeSpan.FromMinutes(2));
        var report = string.Join('\n', lines.Select(l => l.RootElement.GetRawText()));
        TestContext.Current.TestOutputHelper?.WriteLine($"helper output:\n{report}");

        var start = Assert.Single(lines, l => l.RootElement.GetProperty("kind").GetString() == "start");
        Assert.True(start.RootElement.GetProperty("sources")[0].GetProperty("available").GetBoolean(), report);
        var kernel = lines.Select(l => l.RootElement)
            .Where(l => l.GetProperty("kind").GetString() == "signal" && l.GetProperty("part").GetString() is "events" or "psi"
                && l.GetProperty("scope").GetString() == "cgroup"
                && l.GetProperty("level").GetString() is "Warning" or "Critical")
            .ToList();
        Assert.True(kernel.Count > 0, $"no kernel event source watching the cgroup reported Warning or Critical:\n{report}");
        var first = kernel[0];
        var sinceStep = first.GetProperty("ms_since_step").GetDouble();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first kernel signal: {first.GetProperty("source").GetString()} {first.GetProperty("level").GetString()} '{first.GetProperty("reading").GetString()}' at {first.GetProperty("allocated_bytes").GetInt64() / 1048576.0:0} MiB allocated, {sinceStep:0.0} ms after its allocation step began"));

        // The signal arrives while the allocation that caused it is still going on or just after: one step is 1 MiB,
        // followed by a 10 ms pause; 1 s is a generous bound for a loaded machine.
        Assert.InRange(sinceStep, 0, 1000);
        Assert.Contains(lines, l => l.RootElement.GetProperty("kind").GetString() == "done");
    }

    private static List<JsonDocument> RunHelper(string cgroup, int stepMebibytes, int maxMebibytes, int cacheMebibytes, TimeSpan timeout)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "MediaMemory.PressureHelper.dll");
        Assert.True(File.Exists(helper), $"{helper} was not built next to the tests");
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[helper, cgroup, Text(stepMebibytes), Text(maxMebibytes), Text(cacheMebibytes)])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the helper");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        // Killed by the OOM killer (137) is still a result: the lines it printed before say what it saw.
        Assert.True(process.ExitCode is 0 or 137, $"helper exit {process.ExitCode}: {stderr.Result}\n{stdout.Result}");
        return [.. stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l))];
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
