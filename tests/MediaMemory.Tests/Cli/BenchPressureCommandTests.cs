using System.Text.Json;

namespace MediaMemory.Tests.Cli;

public sealed class BenchPressureCommandTests
{
    [Fact]
    public void Json_ReportsScriptedLatencies_PerStep_AndWhyTheKernelPartDidNotRun()
    {
        var json = CliRunner.RunJson("bench", "pressure", "--json", "--events", "6", "--kernel-events", "0");

        // Six steps (Warning, Critical, Normal, twice) per run, after an uncounted warm-up run. The coordinator
        // responds to the sources' level when it gets to a change, so steps that arrive while it is still busy with
        // an earlier one merge into one event (seen at load 6: two events of six steps). Each run still starts with
        // a rise and ends back at Normal (the bench waits for it), hence at least two.
        var scripted = json.GetProperty("scripted_events").GetInt32();
        var dispatch = json.GetProperty("events").GetInt32() - scripted;
        Assert.InRange(scripted, 2, 6);
        Assert.InRange(dispatch, 2, 6);
        var p50 = json.GetProperty("scripted_latency_ms_p50").GetDouble();
        var p99 = json.GetProperty("scripted_latency_ms_p99").GetDouble();
        Assert.True(p50 >= 0 && p99 >= p50, $"p50 {p50}, p99 {p99}");
        Assert.True(json.GetProperty("scripted_dispatch_latency_ms_p99").GetDouble() >= 0);
        Assert.True(json.GetProperty("scripted_released_mib_per_rise").GetDouble() > 0, "the release run released nothing");
        Assert.True(json.GetProperty("unmap_ms_per_mib").GetDouble() > 0);

        var steps = json.GetProperty("scripted_step_ms_p99").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["background-work", "budget-limit", "effect-scratch", "preview-cache", "quality"], steps.Order(StringComparer.Ordinal));

        Assert.Equal(0, json.GetProperty("kernel_events").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("kernel_latency_ms_p99").ValueKind);
        Assert.Contains("--kernel-events 0", json.GetProperty("kernel_skipped").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--events", "2", "out of range")]
    [InlineData("--kernel-events", "-1", "out of range")]
    [InlineData("--kernel-timeout", "0", "out of range")]
    [InlineData("--events", "x", "not a whole number")]
    public void BadInput_IsOneLineOnStderrWithExitCode2(string option, string value, string expected) =>
        CliRunner.AssertUsageError(expected, "bench", "pressure", "--json", option, value);
}
