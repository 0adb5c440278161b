using System.Text.Json;
using MediaMemory.IntegrationTests.Infrastructure;

namespace MediaMemory.IntegrationTests.Platform;

[Trait("Category", "Integration")]
public sealed class CgroupLimitTests
{
    private const long ThreeGiB = 3L << 30;

    [Fact]
    public void Inspect_InsideA3GiBCgroup_ReportsTheLimitAndThePolicyBudgets()
    {
        using var sandbox = CgroupSandbox.TryCreate(ThreeGiB, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        var result = sandbox.RunMediamem(TimeSpan.FromMinutes(1), "inspect", "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(ThreeGiB, root.GetProperty("cgroup_limit_bytes").GetInt64());
        Assert.Equal(3221225472, root.GetProperty("effective_limit_bytes").GetInt64());
        // The .NET runtime reads the same cgroup and by default limits its heap to 75 % of it.
        Assert.Equal(ThreeGiB / 4 * 3, root.GetProperty("gc_total_available_bytes").GetInt64());
        Assert.True(root.GetProperty("gc_agrees").GetBoolean());
        // this-machine has far more than 3 GiB, so its 40 % cap does not bind: 1/2, 1/3, 1/4 of 3 GiB.
        var budgets = root.GetProperty("budget_bytes");
        Assert.Equal(1610612736, budgets.GetProperty("normal").GetInt64());
        Assert.Equal(1073741824, budgets.GetProperty("warning").GetInt64());
        Assert.Equal(805306368, budgets.GetProperty("critical").GetInt64());
    }
}
