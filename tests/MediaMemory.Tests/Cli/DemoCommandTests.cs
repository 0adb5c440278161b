using System.Text.Json;
using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public void Json_StaysWithinTheBudgetAndReportsWhatHappened()
    {
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "768MiB");

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
        var json = CliRunner.RunJson("demo", "--json", "--seconds", "1", "--budget", "256MiB");

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
    [InlineData("--seconds", "many", "not a whole number")]
    public void BadInput_IsOneLineOnStderrWithExitCode2(string option, string value, string expected)
    {
        var (code, output, error) = CliRunner.Run("demo", "--json", option, value);

        Assert.True(code == 2, $"exit code {code}, stderr: {error}");
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_IsExitCode2()
    {
        var (code, _, error) = CliRunner.Run("frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }
}
