using System.Globalization;

namespace MediaMemory.Tests.Scripts;

/// <summary>
/// <c>scripts/usage-rises.awk</c> on written traces, and <c>run-in-cgroup.sh</c>'s usage trace (RUN_IN_CGROUP_TRACE)
/// on a real memory cgroup.
/// </summary>
public sealed class UsageTraceScriptTests : IDisposable
{
    private const long MiB = 1L << 20;
    private readonly string _directory = Directory.CreateTempSubdirectory("mediamem-trace-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Awk => Path.Combine(Repository.Root, "scripts", "usage-rises.awk");

    private string Trace(params (double Seconds, long Bytes)[] samples)
    {
        var file = Path.Combine(_directory, "trace.txt");
        File.WriteAllLines(file, samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Seconds:0.000000} {s.Bytes}")));
        return file;
    }

    [Fact]
    public void UsageRises_FindsTheLargestRiseWithinTheWindow_ThatStartsAboveTheShare()
    {
        // Limit 100 MiB. A 30 MiB rise from 50 % (below 70 %: not counted), a 12 MiB rise from 72 % within 0.1 s,
        // and a 20 MiB rise from 75 % that takes 0.2 s (outside the window: 10 MiB of it counts).
        var trace = Trace(
            (0.00, 50 * MiB), (0.05, 80 * MiB), (0.50, 72 * MiB), (0.55, 84 * MiB), (0.60, 75 * MiB),
            (0.70, 85 * MiB), (0.80, 95 * MiB), (0.90, 60 * MiB));

        var (code, output, error) = ChildProcess.Run("awk", ["-v", $"limit={100 * MiB}", "-f", Awk, trace]);

        Assert.True(code == 0, error);
        Assert.Equal("rise_mib=12.0 at_s=0.50 from_percent=72.0 peak_mib=95.0 peak_percent=95.0 samples=8", output.Trim());
    }

    [Fact]
    public void UsageRises_WithoutALimit_OrWithoutSamples_FailsSayingWhy()
    {
        var (code, _, error) = ChildProcess.Run("awk", ["-f", Awk, Trace((0, 1))]);
        Assert.Equal(2, code);
        Assert.Contains("give -v limit=BYTES", error, StringComparison.Ordinal);

        var empty = Path.Combine(_directory, "empty.txt");
        File.WriteAllText(empty, "not a trace\n");
        (code, _, error) = ChildProcess.Run("awk", ["-v", "limit=100", "-f", Awk, empty]);
        Assert.Equal(1, code);
        Assert.Contains("no samples", error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void RunInCgroup_WithATraceFile_RecordsTheCgroupsUsageWhileTheCommandRuns()
    {
        var trace = Path.Combine(_directory, "usage.txt");
        var script = Path.Combine(Repository.Root, "scripts", "run-in-cgroup.sh");

        // The command holds a 32 MiB string in bash for 0.3 s.
        var (code, _, error) = ChildProcess.Run("bash",
            [script, "256M", "--", "bash", "-c", "x=$(head -c 33554432 /dev/zero | tr '\\0' a); sleep 0.3; echo ${#x} > /dev/null"],
            new Dictionary<string, string> { ["RUN_IN_CGROUP_TRACE"] = trace });
        if (code == 1 && error.Contains("run-in-cgroup: ", StringComparison.Ordinal) && !error.Contains("limit=", StringComparison.Ordinal))
        {
            Assert.Skip($"no writable memory cgroup here: {error.Trim()}");
        }

        Assert.True(code == 0, error);
        var samples = File.ReadAllLines(trace).Select(l => l.Split(' ')).Select(p => (Seconds: double.Parse(p[0], CultureInfo.InvariantCulture), Bytes: long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        Assert.True(samples.Count >= 20, $"{samples.Count} samples in a run of at least 0.3 s");
        Assert.True(samples.Zip(samples.Skip(1)).All(p => p.First.Seconds <= p.Second.Seconds), "time goes backwards");
        Assert.True(samples.Max(s => s.Bytes) >= 32 * MiB, $"peak {samples.Max(s => s.Bytes)} B: the 32 MiB string was not seen");
        Assert.Contains("limit=268435456", error, StringComparison.Ordinal);
    }
}
