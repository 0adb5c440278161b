using System.Text.Json;
using MediaMemory.IntegrationTests.Infrastructure;

namespace MediaMemory.IntegrationTests.Cli;

[Trait("Category", "Integration")]
public sealed class DemoSurvivalTests
{
    [Fact]
    public void Demo_InsideA1GiBCgroup_FollowsTheLimitAndIsNotKilled()
    {
        const long limit = 1L << 30;
        using var sandbox = CgroupSandbox.TryCreate(limit, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        // No --budget: the demo must find the 1 GiB limit itself and budget half of it.
        var result = sandbox.RunMediamem(TimeSpan.FromMinutes(2), "demo", "--json", "--seconds", "3");

        Assert.True(result.ExitCode != 137, $"the OOM killer ended the demo: {result.Error}");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(limit, root.GetProperty("effective_limit_bytes").GetInt64());
        var budget = root.GetProperty("initial_budget_bytes").GetInt64();
        Assert.Equal(limit / 2, budget);
        var peak = root.GetProperty("peak_used_bytes").GetInt64();
        Assert.True(peak <= budget, $"peak {peak} above budget {budget}");
        // Memory was given back, by the budget's reclaim for higher-priority requests or, when the
        // cgroup's usage crossed a threshold first, by the pressure responses (the cache empties itself).
        var released = root.GetProperty("pressure_events").EnumerateArray().Sum(e => e.GetProperty("released_bytes").GetInt64());
        Assert.True(root.GetProperty("reclaimed_bytes").GetInt64() + released > 0, $"nothing was ever given back: {result.Output}");
        var rss = root.GetProperty("peak_rss_bytes").GetInt64();
        Assert.True(rss < limit, $"peak RSS {rss} reached the limit {limit}");
        Assert.True(sandbox.PeakUsageBytes() is not { } charged || charged <= limit, $"cgroup peak {sandbox.PeakUsageBytes()} above {limit}");
    }
}
