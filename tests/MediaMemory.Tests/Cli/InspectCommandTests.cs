using System.Text.Json;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Cli;

public sealed class InspectCommandTests
{
    [Fact]
    public void Json_ReportsTheDetectedLimitsAndThePolicyBudgets()
    {
        var json = CliRunner.RunJson("inspect", "--json");
        var limits = MemoryLimits.Detect();

        Assert.Equal(limits.PhysicalBytes, json.GetProperty("physical_bytes").GetInt64());
        Assert.Equal(limits.EffectiveLimitBytes, json.GetProperty("effective_limit_bytes").GetInt64());
        var cgroup = json.GetProperty("cgroup_limit_bytes");
        if (limits.CgroupLimitBytes is { } limit)
        {
            Assert.Equal(limit, cgroup.GetInt64());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, cgroup.ValueKind);
        }

        Assert.Equal("this-machine", json.GetProperty("device_profile").GetString());
        var device = DeviceProfile.ThisMachine(limits);
        Assert.Equal(device.RecommendedCapBytes, json.GetProperty("recommended_cap_bytes").GetInt64());
        var budgets = json.GetProperty("budget_bytes");
        Assert.Equal(BudgetPolicy.BudgetBytes(limits.EffectiveLimitBytes, device, PressureLevel.Normal), budgets.GetProperty("normal").GetInt64());
        Assert.Equal(BudgetPolicy.BudgetBytes(limits.EffectiveLimitBytes, device, PressureLevel.Warning), budgets.GetProperty("warning").GetInt64());
        Assert.Equal(BudgetPolicy.BudgetBytes(limits.EffectiveLimitBytes, device, PressureLevel.Critical), budgets.GetProperty("critical").GetInt64());
    }

    [Fact]
    public void Json_WithAPhoneDevice_CapsTheBudgetAtThePhonesShare()
    {
        var json = CliRunner.RunJson("inspect", "--json", "--device", "phone-4gb");

        Assert.Equal("phone-4gb", json.GetProperty("device_profile").GetString());
        // 30 % of 4 GiB, rounded down.
        Assert.Equal(1288490188, json.GetProperty("recommended_cap_bytes").GetInt64());
        Assert.True(json.GetProperty("budget_bytes").GetProperty("normal").GetInt64() <= 1288490188);
    }

    [Fact]
    public void Table_WithoutJson_ShowsEveryRow()
    {
        var (code, output, error) = CliRunner.Run("inspect");

        Assert.True(code == 0, $"exit {code}: {error}");
        foreach (var row in new[] { "Physical memory", "cgroup limit", "Effective limit", "Recommended cap", "Budget at Normal", "Budget at Warning", "Budget at Critical" })
        {
            Assert.Contains(row, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownDevice_IsOneLineOnStderrWithExitCode2()
    {
        var (code, output, error) = CliRunner.Run("inspect", "--device", "nope", "--json");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("nope", error, StringComparison.Ordinal);
        Assert.Contains("phone-4gb", error, StringComparison.Ordinal);
    }
}
