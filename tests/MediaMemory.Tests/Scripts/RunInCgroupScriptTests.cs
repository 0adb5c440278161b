namespace MediaMemory.Tests.Scripts;

/// <summary><c>scripts/run-in-cgroup.sh</c> refuses a LIMIT it cannot honour before it creates any cgroup.</summary>
public sealed class RunInCgroupScriptTests
{
    [Theory]
    [InlineData("99999999999999999999G", "too large")] // bash arithmetic wrapped it to 6396237369699205120 and ran the command
    [InlineData("9223372036854775808", "too large")] // 2^63 bytes: wrapped to a negative number
    [InlineData("262145G", "too large")] // 2^48 bytes + 1 GiB
    [InlineData("281474976710657", "too large")] // 2^48 + 1 bytes
    [InlineData("09M", "below 16M")] // a leading zero is decimal, not bash's octal (which refused 09)
    [InlineData("12Q", "bad LIMIT")]
    public void ALimitItCannotHonour_IsOneLineWithExitCode2_BeforeAnyCgroupIsMade(string limit, string expected)
    {
        var script = Path.Combine(Repository.Root, "scripts", "run-in-cgroup.sh");

        var (code, output, error) = ChildProcess.Run("bash", [script, limit, "--", "true"]);

        Assert.True(code == 2, $"exit {code}, stderr: {error}");
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("limit=", error, StringComparison.Ordinal); // the report of a run: no cgroup was made
    }
}
