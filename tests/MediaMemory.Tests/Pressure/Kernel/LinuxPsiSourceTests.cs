using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Kernel;

/// <summary>The PSI source against this machine's real kernel (it has /proc/pressure/memory; tests run as root).</summary>
public sealed class LinuxPsiSourceTests
{
    private static void SkipWithoutPsi()
    {
        if (!File.Exists(LinuxPsiSource.SystemPressureFile))
        {
            Assert.Skip($"{LinuxPsiSource.SystemPressureFile} does not exist: a kernel without PSI");
        }
    }

    [Fact]
    public void Probe_OnThisMachine_IsAvailableNamingTheFileAndTriggers()
    {
        SkipWithoutPsi();

        var availability = LinuxPsiSource.Probe();

        Assert.True(availability.IsAvailable, availability.Detail);
        Assert.Contains("some 100 ms per 2 s -> Warning", availability.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_OnThisMachine_RegistersBothTriggers_IsAvailable_AndReadsTheFile()
    {
        SkipWithoutPsi();
        using var source = new LinuxPsiSource();

        source.Start();

        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.Equal("psi", source.Name);
        Assert.Equal(SignalKind.Kernel, source.Kind);
        Assert.True(source.IsWaiting, "the poll thread is not running");
        Assert.StartsWith("some avg10=", source.LastReading, StringComparison.Ordinal);
        Assert.Contains(" full avg10=", source.LastReading, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_EndsThePollThread_AndMarksTheSourceStopped()
    {
        SkipWithoutPsi();
        var source = new LinuxPsiSource();
        source.Start();
        Assert.True(source.IsWaiting);

        source.Dispose();

        Assert.False(source.IsWaiting, "the poll thread outlived Dispose");
        Assert.False(source.Availability.IsAvailable);
        Assert.Equal("stopped", source.Availability.Detail);
        source.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(source.Start);
    }

    [Fact]
    public void ManySourcesStartedAndDisposed_LeaveNoThreadBehind()
    {
        SkipWithoutPsi();
        var sources = Enumerable.Range(0, 8).Select(_ => new LinuxPsiSource()).ToList();
        sources.ForEach(s => s.Start());

        sources.ForEach(s => s.Dispose());

        Assert.All(sources, s => Assert.False(s.IsWaiting));
    }

    [Fact]
    public void Start_OnAMissingFile_IsUnavailableWithTheReason()
    {
        using var source = new LinuxPsiSource(new LinuxPsiSourceOptions { PressureFilePath = "/nonexistent/pressure/memory" });

        source.Start();

        Assert.False(source.Availability.IsAvailable);
        Assert.Equal("/nonexistent/pressure/memory does not exist", source.Availability.Detail);
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("some avg10=zero avg60=0.00 avg300=0.00 total=0\n", "avg10 'zero' is not a percentage")]
    [InlineData("MemTotal: 1024 kB\n", "expected 'some' or 'full'")]
    public void Start_OnAMalformedFile_IsUnavailableWithAClearReason_AndDoesNotThrow(string contents, string expected)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, contents);
            using var source = new LinuxPsiSource(new LinuxPsiSourceOptions { PressureFilePath = file });

            source.Start();

            Assert.False(source.Availability.IsAvailable);
            Assert.Contains("is not a PSI file", source.Availability.Detail, StringComparison.Ordinal);
            Assert.Contains(expected, source.Availability.Detail, StringComparison.Ordinal);
            Assert.False(source.IsWaiting);
            Assert.Equal(contents, File.ReadAllText(file)); // nothing was written to it
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Probe_WithAMissingSystemFile_SaysTheKernelHasNoPsi()
    {
        var availability = LinuxPsiSource.Probe(new LinuxPsiSourceOptions { PressureFilePath = "/proc/pressure/none" });

        Assert.False(availability.IsAvailable);
        Assert.Contains("does not exist", availability.Detail, StringComparison.Ordinal);
    }
}
