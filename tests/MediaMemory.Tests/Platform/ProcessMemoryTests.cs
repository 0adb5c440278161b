using MediaMemory.Platform;

namespace MediaMemory.Tests.Platform;

public sealed class ProcessMemoryTests
{
    private const string SampleStatus = "Name:\tmediamem\nVmPeak:\t  300000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t   65432 kB\n";

    [Theory]
    [InlineData("VmHWM:", 123_456L * 1024)]
    [InlineData("VmRSS:", 65_432L * 1024)]
    public void ParseStatusField_ReadsTabSeparatedKibibytesAsBytes(string field, long expected)
    {
        Assert.Equal(expected, ProcessMemory.ParseStatusField(SampleStatus, field));
    }

    [Theory]
    [InlineData("VmSwap:")]
    public void ParseStatusField_WhenTheFieldIsAbsent_IsNull(string field)
    {
        Assert.Null(ProcessMemory.ParseStatusField(SampleStatus, field));
    }

    [Fact]
    public void ParseStatusField_WhenTheFieldHasNoNumber_IsNull()
    {
        Assert.Null(ProcessMemory.ParseStatusField("VmHWM:\tlots kB\n", "VmHWM:"));
    }

    [Fact]
    public void ResidentAndPeak_OnLinux_AreRealAndOrdered()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("/proc/self/status exists only on Linux");
        }

        // Through the public reads: two reads of the file, so allow a little (a page was seen) for what other
        // tests' threads unmap in between.
        var residentRead = ProcessMemory.ResidentBytes();
        var peakRead = ProcessMemory.PeakResidentBytes();
        Assert.True(residentRead > 0, $"VmRSS {residentRead}");
        Assert.True(peakRead >= residentRead - (1L << 20), $"VmHWM {peakRead} far below VmRSS {residentRead}");

        // Ordered within one read of the file (the kernel reports the peak as at least the current size);
        // two separate reads were seen to disagree by one page (the kernel raises its stored peak lazily,
        // and other tests' threads map and unmap memory between the reads).
        var status = File.ReadAllText("/proc/self/status");
        var resident = ProcessMemory.ParseStatusField(status, "VmRSS:");
        var peak = ProcessMemory.ParseStatusField(status, "VmHWM:");
        Assert.True(resident > 0, $"VmRSS {resident}");
        Assert.True(peak >= resident, $"VmHWM {peak} below VmRSS {resident}");
    }
}
