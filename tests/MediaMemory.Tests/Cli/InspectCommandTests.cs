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
        foreach (var row in new[] { "Physical memory", "cgroup limit", "Effective limit", "Recommended cap", "Budget at Normal", "Budget at Warning", "Budget at Critical", "Pressure and thermal sources", "psi", "thermal" })
        {
            Assert.Contains(row, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Json_ListsEverySource_WithWhetherItWorksHere()
    {
        var json = CliRunner.RunJson("inspect", "--json");
        var sources = json.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

        Assert.Equal(7, sources.Count);
        Assert.All(sources.Values, s => Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("detail").GetString())));
        Assert.Equal("pressure", sources["psi"].GetProperty("signal").GetString());
        Assert.Equal("thermal", sources["thermal"].GetProperty("signal").GetString());

        // What this machine really has decides availability; the reasons are the probes' own.
        Assert.Equal(File.Exists("/proc/pressure/memory"), sources["psi"].GetProperty("available").GetBoolean());
        var zones = Directory.Exists("/sys/class/thermal") && Directory.EnumerateFileSystemEntries("/sys/class/thermal", "thermal_zone*").Any();
        if (!zones)
        {
            Assert.False(sources["thermal"].GetProperty("available").GetBoolean());
            Assert.Contains("no thermal zones", sources["thermal"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.True(sources["gc"].GetProperty("available").GetBoolean());
        Assert.True(sources["budget"].GetProperty("available").GetBoolean());
        Assert.Contains(sources.Keys, name => name.StartsWith("cgroup", StringComparison.Ordinal));
        Assert.Contains("--pressure-script", sources["script"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("--thermal-script", sources["thermal-script"].GetProperty("detail").GetString(), StringComparison.Ordinal);
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
