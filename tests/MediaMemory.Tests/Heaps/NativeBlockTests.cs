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
    [InlineData(2L << 20, false)]
    [InlineData((8L << 20) + 4096, false)]
    [InlineData(4L << 20, true)]
    public unsafe void BlockOfAHugePageOrMore_IsAlignedToIt_AndAsksForHugePages_WhereTheKernelAllows(long sizeBytes, bool preFault)
    {
        var hugePageBytes = LinuxMemory.HugePageBytes;
        if (hugePageBytes == 0)
        {
            Assert.Skip("transparent huge pages are not available here (not Linux, or THP mode 'never')");
        }

        using var block = new NativeBlock(sizeBytes, preFault);
        using var pin = block.GetMemory(0, 1).Pin();

        Assert.True(block.UsesHugePages, "madvise(MADV_HUGEPAGE) was refused");
        Assert.Equal(0L, (long)pin.Pointer % hugePageBytes);
        block.GetSpan(sizeBytes - 1, 1)[0] = 0xCD;
        Assert.True(block.GetSpan(0, (int)(sizeBytes - 1)).IndexOfAnyExcept((byte)0) < 0, "fresh memory must read as zero");
        Assert.Equal(0xCD, block.GetSpan(sizeBytes - 1, 1)[0]);
    }

    [Fact]
    public void BlockBelowAHugePage_OrWithHugePagesOff_UsesSmallPages()
    {
        using var small = new NativeBlock(1L << 20);
        using var off = new NativeBlock(8L << 20, hugePages: false);

        Assert.False(small.UsesHugePages);
        Assert.False(off.UsesHugePages);
    }

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
