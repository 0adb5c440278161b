using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Kernel;

public sealed class CgroupMemoryEventsTests
{
    // The layout of a cgroup v2 memory.events file on Linux 6.x.
    private const string Recorded = "low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n";

    [Fact]
    public void Parse_RecordedFile_ReadsTheCounters()
    {
        Assert.Equal(new CgroupMemoryEvents(12, 3, 1, 1), CgroupMemoryEvents.Parse(Recorded));
    }

    [Fact]
    public void Parse_OldKernelWithoutOomKill_CountsZeroKills()
    {
        Assert.Equal(new CgroupMemoryEvents(2, 0, 0, 0), CgroupMemoryEvents.Parse("low 0\nhigh 2\nmax 0\noom 0\n"));
    }

    [Theory]
    [InlineData("", "needs 'high', 'max' and 'oom'")]
    [InlineData("low 0\nhigh x\n", "line 2 \"high x\"")]
    [InlineData("high 1 2\nmax 0\noom 0\n", "line 1")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "expected 'name count'")]
    public void Parse_Malformed_ThrowsFormatExceptionSayingWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CgroupMemoryEvents.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, PressureLevel.Normal)]
    [InlineData(1, 0, 0, 0, PressureLevel.Warning)]
    [InlineData(0, 1, 0, 0, PressureLevel.Critical)]
    [InlineData(0, 0, 1, 0, PressureLevel.Critical)]
    [InlineData(0, 0, 0, 1, PressureLevel.Critical)]
    [InlineData(5, 1, 0, 0, PressureLevel.Critical)]
    public void LevelSince_GrowthOfHighIsWarning_GrowthOfMaxOrOomIsCritical(int high, int max, int oom, int kill, PressureLevel expected)
    {
        var before = new CgroupMemoryEvents(10, 10, 10, 10);
        var after = new CgroupMemoryEvents(10 + high, 10 + max, 10 + oom, 10 + kill);

        Assert.Equal(expected, after.LevelSince(before));
    }
}
