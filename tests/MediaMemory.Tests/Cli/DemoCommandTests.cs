using System.Text.Json;
using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public void Json_StaysWithinTheBudgetAndReportsWhatHappened()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "768MiB", "--scripted-only");

        var budget = json.GetProperty("budget_bytes").GetInt64();
        var peak = json.GetProperty("peak_used_bytes").GetInt64();
        Assert.Equal(768L << 20, budget);
        Assert.True(peak <= budget, $"peak {peak} > budget {budget}");
        // The session opens on the library grid, which fills the budget with previews; the photo and
        // frames that follow have higher priority, so the budget must reclaim previews for them.
        Assert.True(json.GetProperty("reclaimed_bytes").GetInt64() > 0, "nothing was reclaimed");
        Assert.True(json.GetProperty("photos_opened").GetInt64() >= 1, "no photo was opened");
        Assert.True(json.GetProperty("cache_evictions").GetInt64() > 0, "no preview was evicted");
        Assert.True(json.GetProperty("reservations").GetInt64() > 0);
        Assert.True(json.GetProperty("frames_written").GetInt64() > 0);
        Assert.Equal(0, json.GetProperty("used_bytes_after_cleanup").GetInt64());
        Assert.Equal(0, json.GetProperty("live_tokens_after_cleanup").GetInt64());

        var rss = json.GetProperty("peak_rss_bytes");
        if (OperatingSystem.IsLinux())
        {
            // Pixels were really written: the process's peak resident set holds at least the photo.
            Assert.True(rss.GetInt64() > 400_000_000, $"peak RSS {rss.GetInt64()} is smaller than one 100 MP photo");
        }

        var byCategory = json.GetProperty("by_category");
        long sumOfPeaks = 0;
        foreach (var category in Enum.GetValues<AllocationCategory>())
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(category.ToString());
            sumOfPeaks += byCategory.GetProperty(name).GetInt64();
        }

        Assert.True(sumOfPeaks >= peak, $"per-category peaks {sumOfPeaks} cannot sum below the total peak {peak}");
    }

    [Fact]
    public void Json_WithABudgetSmallerThanAPhoto_RefusesThePhotoAndKeepsRunning()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "256MiB", "--scripted-only");

        Assert.True(json.GetProperty("refusals").GetInt64() > 0);
        Assert.Equal(0, json.GetProperty("photos_opened").GetInt64());
        Assert.Equal(0, json.GetProperty("by_category").GetProperty("source_assets").GetInt64());
        Assert.True(json.GetProperty("peak_used_bytes").GetInt64() <= 256L << 20);
        Assert.True(json.GetProperty("frames_written").GetInt64() > 0, "playback stopped");
    }

    [Theory]
    [InlineData("--budget", "-5", "negative")]
    [InlineData("--budget", "lots", "'lots' is not a size")]
    [InlineData("--budget", "0", "more than 0 bytes")]
    [InlineData("--budget", "100000TiB", "more than this process may use")]
    [InlineData("--device", "nope", "unknown device 'nope'")]
    [InlineData("--seconds", "0", "out of range")]
    [InlineData("--seconds", "99999999999", "out of range; use 1…")] // the command's range, not int's
    [InlineData("--seconds", "many", "not a whole number")]
    [InlineData("--pressure-script", "1s:warning,0.5s:critical", "item 2")]
    [InlineData("--pressure-script", "8x:critical", "unknown time unit 'x'")]
    [InlineData("--pressure-script", "1s:panic", "panic")]
    [InlineData("--thermal-script", "1s:warning", "warning")]
    [InlineData("--outside-growth", "0", "must be more than 0")]
    [InlineData("--outside-growth", "100000TiB", "less than this machine's memory")]
    public void BadInput_IsOneLineOnStderrWithExitCode2(string option, string value, string expected) =>
        CliRunner.AssertUsageError(expected, "demo", "--json", option, value);

    [Theory]
    [InlineData("--budget", "512MiB")]
    [InlineData("--pressure-script", "1s:warning")]
    [InlineData("--thermal-script", "1s:fair")]
    [InlineData("--scripted-only", null)]
    public void NoBudget_CannotBeCombinedWithABudgetOrScripts(string option, string? value) =>
        CliRunner.AssertUsageError("--no-budget", [.. new[] { "demo", "--json", "--no-budget", option, value }.OfType<string>()]);

    [Fact]
    public void PressureScript_IsRespondedTo_AndTheBudgetFollowsTheLevel()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "2", "--budget", "512MiB", "--pressure-script", "100ms:warning,300ms:critical", "--scripted-only");

        var events = EventsFrom(json, "script");
        Assert.Equal(["warning", "critical"], events.Select(e => e.GetProperty("level").GetString()));
        Assert.All(events, e => Assert.Equal("scripted", e.GetProperty("kind").GetString()));
        Assert.True(events[1].GetProperty("at_ms").GetDouble() > events[0].GetProperty("at_ms").GetDouble());
        Assert.All(events, e => Assert.True(e.GetProperty("latency_ms").GetDouble() >= 0));

        // 512 MiB at Normal; the policy's ratios give 2/3 at Warning and 1/2 at Critical.
        Assert.Equal(512L << 20, json.GetProperty("initial_budget_bytes").GetInt64());
        Assert.Equal(512L << 19, json.GetProperty("lowest_budget_bytes").GetInt64());
        Assert.Equal(512L << 19, json.GetProperty("budget_bytes").GetInt64());
        Assert.True(json.GetProperty("peak_used_bytes").GetInt64() <= 512L << 20);
        Assert.Equal(0.25, json.GetProperty("quality_at_end").GetDouble());
        Assert.Equal(["script"], json.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));

        // Going to Critical released what the cache held, by the budget's own accounting.
        Assert.True(events[1].GetProperty("released_bytes").GetInt64() > 0, "Critical released nothing");
        Assert.Equal(0, json.GetProperty("used_bytes_after_cleanup").GetInt64());
    }

    [Fact]
    public void ThermalScript_CriticalHeatIsLowPower()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "512MiB", "--thermal-script", "0ms:serious,200ms:critical", "--scripted-only");

        var events = EventsFrom(json, "thermal-script");
        Assert.Equal(["serious", "critical"], events.Select(e => e.GetProperty("thermal").GetString()));
        Assert.All(events, e => Assert.Equal("normal", e.GetProperty("level").GetString()));

        // Serious is 30 % off; Critical heat is the Critical level's half, 30 % off again.
        const long serious = (512L << 20) - ((512L << 20) * 3 / 10);
        Assert.InRange(events[0].GetProperty("budget_bytes").GetInt64(), serious - 2, serious + 2);
        Assert.True(events[1].GetProperty("budget_bytes").GetInt64() < events[0].GetProperty("budget_bytes").GetInt64());
        Assert.Equal(0.25, json.GetProperty("quality_at_end").GetDouble());
    }

    [Fact]
    public void WithoutScriptedOnly_TheRealSourcesRun()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "256MiB");
        var sources = json.GetProperty("sources").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("gc", sources);
        if (File.Exists("/proc/pressure/memory"))
        {
            Assert.Contains("psi", sources);
        }
    }

    [Fact]
    public void NoBudget_RunsTheSameSessionWithoutLimitOrResponses()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--no-budget");

        Assert.True(json.GetProperty("no_budget").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("budget_bytes").ValueKind);
        Assert.Empty(json.GetProperty("pressure_events").EnumerateArray());
        Assert.Empty(json.GetProperty("sources").EnumerateArray());
        Assert.Equal(0, json.GetProperty("refusals").GetInt64());

        // Nothing stops the naive app: every preview of the library grid stays (about 1.6 GB).
        Assert.True(json.GetProperty("peak_used_bytes").GetInt64() > 1_500_000_000, json.GetProperty("peak_used_bytes").ToString());
        Assert.Equal(0, json.GetProperty("used_bytes_after_cleanup").GetInt64());
    }

    [Fact]
    public void OutsideGrowth_IsReallyHeldByTheEnd_AndOutsideTheBudget()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "256MiB", "--outside-growth", "64MiB", "--scripted-only");

        Assert.Equal(64L << 20, json.GetProperty("outside_growth_bytes").GetInt64());
        Assert.Equal(64L << 20, json.GetProperty("outside_bytes_at_end").GetInt64());
        Assert.True(json.GetProperty("peak_used_bytes").GetInt64() <= 256L << 20);
    }

    [Fact]
    public void UnknownCommand_IsExitCode2()
    {
        var (code, _, error) = CliRunner.Run("frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }

    private static List<JsonElement> EventsFrom(JsonElement json, string source) =>
        [.. json.GetProperty("pressure_events").EnumerateArray().Where(e => e.GetProperty("source").GetString() == source)];
}
