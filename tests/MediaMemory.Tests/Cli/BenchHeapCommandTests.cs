namespace MediaMemory.Tests.Cli;

public sealed class BenchHeapCommandTests
{
    [Fact]
    public void Json_ReportsEveryFigureOfTheIssue()
    {
        var json = CliRunner.RunJson("bench", "heap", "--ops", "300", "--seed", "3", "--json");

        Assert.Equal(300, json.GetProperty("ops").GetInt32());
        Assert.Equal(3, json.GetProperty("seed").GetInt32());
        foreach (var field in new[] { "heap_ns_per_op", "native_ns_per_op", "native_touch_ns_per_op", "arraypool_ns_per_op", "texture_4k_heap_ns", "texture_4k_native_touch_ns" })
        {
            Assert.True(json.GetProperty(field).GetDouble() > 0, $"{field} = {json.GetProperty(field)}");
        }

        // Figures that do not depend on the machine's speed: the heap allocates nothing managed per pair,
        // and the fill test leaves the 1 GiB heap mostly used.
        Assert.Equal(0, json.GetProperty("heap_managed_bytes_per_op").GetDouble());
        var fill = json.GetProperty("fill_utilization").GetDouble();
        Assert.InRange(fill, 0.5, 1.0);
        Assert.InRange(json.GetProperty("fill_utilization_worst").GetDouble(), 0.0, fill);
        Assert.InRange(json.GetProperty("fragmentation_after_churn").GetDouble(), 0.0, 1.0);
    }

    [Theory]
    [InlineData("0", "out of range")]
    [InlineData("-4", "out of range")]
    [InlineData("lots", "not a whole number")]
    [InlineData("99999999999", "--ops: 99999999999 is out of range; use 1…10000000")]
    [InlineData("-99999999999999999999999", "--ops: -99999999999999999999999 is out of range; use 1…10000000")]
    public void BadOps_IsOneLineOnStderrWithExitCode2(string ops, string expected)
    {
        var (code, output, error) = CliRunner.Run("bench", "heap", "--ops", ops, "--json");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("-2147483649")]
    public void SeedOutsideTheIntegers_IsOutOfRange_GivingTheRange(string seed) =>
        CliRunner.AssertUsageError($"--seed: {seed} is out of range; use -2147483648…2147483647", "bench", "heap", "--seed", seed, "--json");

    [Fact]
    public void BenchWithoutAWorkload_IsExitCode2()
    {
        var (code, _, error) = CliRunner.Run("bench");

        Assert.Equal(2, code);
        Assert.Contains("mediamem", error, StringComparison.Ordinal);
    }
}
