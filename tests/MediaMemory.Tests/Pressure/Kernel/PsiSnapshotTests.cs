using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Kernel;

public sealed class PsiSnapshotTests
{
    // Recorded from /proc/pressure/memory on this project's machine, idle and under a cgroup limit.
    private const string Idle = "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
    private const string Stalled = "some avg10=12.34 avg60=3.21 avg300=0.75 total=1834567\nfull avg10=5.60 avg60=1.10 avg300=0.25 total=612345\n";

    [Fact]
    public void Parse_IdleFile_AllZero()
    {
        var snapshot = PsiSnapshot.Parse(Idle);

        Assert.Equal(new PsiLine(0, 0, 0, 0), snapshot.Some);
        Assert.Equal(new PsiLine(0, 0, 0, 0), snapshot.Full);
        Assert.Equal("some avg10=0.00 full avg10=0.00", snapshot.Summary);
    }

    [Fact]
    public void Parse_StalledFile_ReadsEveryFigure()
    {
        var snapshot = PsiSnapshot.Parse(Stalled);

        Assert.Equal(new PsiLine(12.34, 3.21, 0.75, 1834567), snapshot.Some);
        Assert.Equal(new PsiLine(5.60, 1.10, 0.25, 612345), snapshot.Full);
        Assert.Equal("some avg10=12.34 full avg10=5.60", snapshot.Summary);
    }

    [Fact]
    public void Parse_CpuFileOfAnOldKernel_HasNoFullLine()
    {
        var snapshot = PsiSnapshot.Parse("some avg10=1.00 avg60=0.50 avg300=0.10 total=99\n");

        Assert.Null(snapshot.Full);
        Assert.Equal("some avg10=1.00", snapshot.Summary);
    }

    [Fact]
    public void Parse_UnknownKeyOfALaterKernel_IsIgnored()
    {
        var snapshot = PsiSnapshot.Parse("some avg10=1.00 avg60=0.50 avg300=0.10 avg1200=0.01 total=99\n");

        Assert.Equal(99, snapshot.Some.TotalMicroseconds);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "no 'some' line")]
    [InlineData("some avg10=0.00 avg60=0.00 total=0\n", "line 1 \"some avg10=0.00 avg60=0.00 total=0\": needs avg10, avg60, avg300 and total")]
    [InlineData("some avg10=abc avg60=0.00 avg300=0.00 total=0\n", "avg10 'abc' is not a percentage")]
    [InlineData("some avg10=120.00 avg60=0.00 avg300=0.00 total=0\n", "avg10 '120.00' is not a percentage from 0 to 100")]
    [InlineData("some avg10=-1 avg60=0.00 avg300=0.00 total=0\n", "avg10 '-1'")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=-5\n", "total '-5' is not a whole number of microseconds")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total\n", "'total' is not key=value")]
    [InlineData("MemTotal: 1024 kB\n", "starts with 'MemTotal:', expected 'some' or 'full'")]
    [InlineData("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nsome avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "line 2")]
    public void Parse_Malformed_ThrowsFormatExceptionSayingWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PsiSnapshot.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
