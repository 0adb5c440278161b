using System.Text.Json;
using MediaMemory.IntegrationTests.Infrastructure;
using MediaMemory.Platform;

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
        var events = root.GetProperty("pressure_events").EnumerateArray().ToList();
        var released = events.Sum(e => e.GetProperty("released_bytes").GetInt64());
        var givenBack = root.GetProperty("reclaimed_bytes").GetInt64() + released;
        // On cgroup v1, PSI is the whole machine's: a stall elsewhere on a shared host can lower the budget before the
        // session fills it, and then there is nothing to give back. The budget must still have bitten: it refused.
        var machineWide = sandbox.Version == CgroupVersion.V1
            && events.Any(e => e.GetProperty("source").GetString() == "psi" && e.GetProperty("level").GetString() != "normal");
        if (machineWide)
        {
            Assert.True(givenBack + root.GetProperty("refusals").GetInt64() > 0, $"nothing was given back or refused: {result.Output}");
        }
        else
        {
            Assert.True(givenBack > 0, $"nothing was ever given back: {result.Output}");
        }

        var rss = root.GetProperty("peak_rss_bytes").GetInt64();
        Assert.True(rss < limit, $"peak RSS {rss} reached the limit {limit}");
        Assert.True(sandbox.PeakUsageBytes() is not { } charged || charged <= limit, $"cgroup peak {sandbox.PeakUsageBytes()} above {limit}");
    }
}
