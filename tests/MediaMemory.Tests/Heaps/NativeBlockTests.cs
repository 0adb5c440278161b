using MediaMemory.Heaps;
using MediaMemory.Internals;

namespace MediaMemory.Tests.Heaps;

public sealed class NativeBlockTests
{
    [Theory]
    [InlineData(2L)]
    [InlineData(4096L)]
    [InlineData(1L << 20)]
    [InlineData((64L << 20) + 123)]
    public unsafe void Start_IsAlignedTo64KiB_AndTheWholeRangeIsWritable(long sizeBytes)
    {
        using var block = new NativeBlock(sizeBytes);
        using var pin = block.GetMemory(0, 1).Pin();

        Assert.Equal(0L, (long)pin.Pointer % NativeBlock.BaseAlignmentBytes);
        block.GetSpan(0, 1)[0] = 0xAB;
        block.GetSpan(sizeBytes - 1, 1)[0] = 0xCD;
        Assert.Equal(0xAB, block.GetSpan(0, 1)[0]);
        Assert.Equal(0xCD, block.GetSpan(sizeBytes - 1, 1)[0]);
    }

    [Theory]
    [InlineData(1, 0L, false)]
    [InlineData(4, 4096L, false)]
    [InlineData(1, 100L, true)]
    [InlineData(2, 0L, true)]
    public unsafe void BlockOfAHugePageOrMore_IsAlignedToIt_AndAsksForHugePages_WhereTheKernelGrantsThem(int hugePages, long extraBytes, bool preFault)
    {
        var hugePageBytes = LinuxMemory.HugePageBytes;
        if (hugePageBytes == 0)
        {
            Assert.Skip("transparent huge pages are not granted here (not Linux, THP mode 'never', or disabled for this process)");
        }

        var sizeBytes = (hugePages * hugePageBytes) + extraBytes;
        using var block = new NativeBlock(sizeBytes, preFault);
        using var pin = block.GetMemory(0, 1).Pin();

        Assert.True(block.HugePagesRequested, "madvise(MADV_HUGEPAGE) was refused");
        Assert.Equal(0L, (long)pin.Pointer % hugePageBytes);
        block.GetSpan(sizeBytes - 1, 1)[0] = 0xCD;
        for (long offset = 0; offset < sizeBytes - 1; offset += int.MaxValue / 2)
        {
            var length = (int)Math.Min(int.MaxValue / 2, sizeBytes - 1 - offset);
            Assert.True(block.GetSpan(offset, length).IndexOfAnyExcept((byte)0) < 0, "fresh memory must read as zero");
        }

        Assert.Equal(0xCD, block.GetSpan(sizeBytes - 1, 1)[0]);
    }

    [Fact]
    public void BlockBelowAHugePage_OrWithHugePagesOff_DoesNotAskForThem()
    {
        var hugePageBytes = Math.Max(LinuxMemory.HugePageBytes, 2L << 20);
        using var small = new NativeBlock(hugePageBytes - 4096);
        using var off = new NativeBlock(hugePageBytes * 2, preFault: true, hugePages: false);

        Assert.False(small.HugePagesRequested);
        Assert.False(off.HugePagesRequested);
        Assert.True(off.GetSpan(0, (int)Math.Min(off.SizeBytes, 1 << 20)).IndexOfAnyExcept((byte)0) < 0, "fresh memory must read as zero");
    }

    [Theory]
    [InlineData("madvise", null, 2097152L, true, 2097152L)]
    [InlineData("always", "inherit", 2097152L, true, 2097152L)]
    [InlineData("madvise", "never", 2097152L, true, 0L)]
    [InlineData("never", "madvise", 2097152L, true, 2097152L)]
    [InlineData("never", "inherit", 2097152L, true, 0L)]
    [InlineData("madvise", null, 2097152L, false, 0L)]
    [InlineData("madvise", null, 3000000L, true, 0L)]
    [InlineData(null, null, 2097152L, true, 0L)]
    public void GrantedHugePages_FollowTheSizesOwnModeThenTheGlobalOne_AndTheProcessSetting(string? globalMode, string? sizeMode, long pmdBytes, bool processAllows, long granted) =>
        Assert.Equal(granted, LinuxMemory.GrantedHugePageBytes(globalMode, sizeMode, pmdBytes, processAllows));

    [Theory]
    [InlineData("Name:\tx\nTHP_enabled:\t1\n", true)]
    [InlineData("Name:\tx\nTHP_enabled:\t0\n", false)]
    [InlineData("Name:\tx\n", true)]
    public void ProcessThpSetting_IsReadFromStatus(string status, bool allows) =>
        Assert.Equal(allows, LinuxMemory.ProcessAllowsThp(status.Split('\n')));

    [Theory]
    [InlineData("always [madvise] never\n", "madvise")]
    [InlineData("[always] madvise never", "always")]
    [InlineData("always madvise [never]\n", "never")]
    [InlineData("always madvise never", null)]
    [InlineData("", null)]
    [InlineData("[]", null)]
    [InlineData("always [madvise", null)]
    public void ThpMode_IsTheBracketedWord(string text, string? mode) => Assert.Equal(mode, LinuxMemory.ParseThpMode(text));

    [Fact]
    public void MemoryAndSpanViews_SeeTheSameBytes()
    {
        using var block = new NativeBlock(1 << 16);
        block.GetSpan(100, 4).Fill(7);

        var memory = block.GetMemory(98, 8);

        Assert.Equal(new byte[] { 0, 0, 7, 7, 7, 7, 0, 0 }, memory.ToArray());
    }

    [Fact]
    public void PreFaultedBlock_IsZeroFilledAndUsable()
    {
        using var block = new NativeBlock(1 << 20, preFault: true);

        Assert.True(block.IsPreFaulted);
        Assert.True(block.GetSpan(0, 1 << 20).IndexOfAnyExcept((byte)0) < 0, "fresh memory must read as zero");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData((1L << 48) + 1)]
    public void Constructor_WhenTheSizeIsImpossible_ThrowsNamingIt(long sizeBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new NativeBlock(sizeBytes));

        Assert.Equal("sizeBytes", error.ParamName);
    }

    [Theory]
    [InlineData(-1L, 1)]
    [InlineData(0L, 4097)]
    [InlineData(4096L, 1)]
    [InlineData(4000L, 97)]
    [InlineData(0L, -1)]
    public void Views_OutsideTheBlock_AreRefused(long offsetBytes, int lengthBytes)
    {
        using var block = new NativeBlock(4096);

        Assert.Throws<ArgumentOutOfRangeException>(() => block.GetSpan(offsetBytes, lengthBytes).Length);
    }

    [Fact]
    public void Dispose_IsIdempotent_AndLaterUseIsRefused()
    {
        var block = new NativeBlock(4096);
        var memory = block.GetMemory(0, 16);

        block.Dispose();
        block.Dispose();

        Assert.True(block.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => block.GetSpan(0, 1).Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
    }
}
