using System.Text.Json;
using MediaMemory.IntegrationTests.Infrastructure;

namespace MediaMemory.IntegrationTests.Cli;

/// <summary>
/// The proof of the pressure issue: in a 768 MiB cgroup, with 450 MiB taken outside the budget by the
/// rest of the app, only the kernel's signals can tell the demo that the container is filling up.
/// With them it survives; without budget and responses (<c>--no-budget</c>) it is OOM-killed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DemoPressureProofTests
{
    private const long Limit = 768L << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void Demo_With450MiBGrowingOutsideTheBudget_HearsTheKernelAndSurvives768MiB()
    {
        using var sandbox = CgroupSandbox.TryCreate(Limit, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        var result = sandbox.RunMediamem(Timeout, "demo", "--json", "--seconds", "8", "--outside-growth", "450MiB");

        Assert.True(result.ExitCode != 137, $"the OOM killer ended the demo (cgroup peak {sandbox.PeakUsageBytes()}): {result.Error}");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;

        // The budget came from the cgroup limit, as the policy says; nothing told it about the 450 MiB.
        Assert.Equal(Limit, root.GetProperty("effective_limit_bytes").GetInt64());
        var initial = root.GetProperty("initial_budget_bytes").GetInt64();
        Assert.Equal(Limit / 2, initial);
        Assert.Equal(450L << 20, root.GetProperty("outside_bytes_at_end").GetInt64());

        // The kernel said so, and the budget was lowered in response.
        var events = root.GetProperty("pressure_events").EnumerateArray().ToList();
        var kernel = events.Where(e => e.GetProperty("kind").GetString() == "kernel" && e.GetProperty("level").GetString() != "normal").ToList();
        Assert.True(kernel.Count > 0, $"no pressure event from a kernel source; events: {Describe(events)}; sources: {root.GetProperty("sources")}");
        Assert.True(root.GetProperty("lowest_budget_bytes").GetInt64() < initial, "the budget limit was never lowered");
        Assert.All(kernel, e => Assert.True(e.GetProperty("source").GetString() is "psi" or "cgroup-v1" or "cgroup-v2", e.ToString()));

        // From 6 s after the coordinator started (the loop starts a few hundred ms later, so about 410 MiB of the
        // 450 are taken by then, and all of them from 6 s of the loop), no budget larger than the one in force fits
        // beside them: the budget is never raised again. (Before the coordinator checked what fits, it fell back to
        // Normal's 384 MiB in most runs, and one local .ci/run was OOM-killed.)
        var late = events.Where(e => e.GetProperty("at_ms").GetDouble() >= 6000).ToList();
        var before = events.LastOrDefault(e => e.GetProperty("at_ms").GetDouble() < 6000);
        var limits = (before.ValueKind == JsonValueKind.Undefined ? [] : new[] { before }).Concat(late).Select(e => e.GetProperty("budget_bytes").GetInt64()).ToList();
        Assert.True(limits.Zip(limits.Skip(1)).All(p => p.Second <= p.First), $"the budget was raised while the 450 MiB were held: {Describe(events)}");

        Assert.True(sandbox.PeakUsageBytes() is not { } peak || peak < Limit, $"cgroup peak {sandbox.PeakUsageBytes()} reached the limit {Limit}");
    }

    [Fact]
    public void Demo_WithoutBudget_IsKilledByTheSameLimit()
    {
        using var sandbox = CgroupSandbox.TryCreate(Limit, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        var result = sandbox.RunMediamem(Timeout, "demo", "--json", "--seconds", "8", "--outside-growth", "450MiB", "--no-budget");

        Assert.True(result.ExitCode == 137, $"expected the OOM killer (exit 137), got exit {result.ExitCode}; the limit does not bite: {result.Output} {result.Error}");
    }

    private static string Describe(List<JsonElement> events) =>
        events.Count == 0 ? "none" : string.Join("; ", events.Select(e => $"{e.GetProperty("source")} {e.GetProperty("level")} at {e.GetProperty("at_ms")} ms, budget {e.GetProperty("budget_bytes")}"));
}
