using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

public sealed class TlsfBadInputTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(Tlsf.MaxCapacityBytes + 1)]
    public void Constructor_WhenCapacityIsOutOfRange_ThrowsNamingIt(long capacityBytes) =>
        Assert.Equal("capacityBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new Tlsf(capacityBytes)).ParamName);

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Allocate_WhenSizeIsNotPositive_ThrowsNamingSizeBytes(long sizeBytes)
    {
        var tlsf = new Tlsf(1 << 20);
        Assert.Equal("sizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => tlsf.TryAllocate(sizeBytes, 16, out _)).ParamName);
        Assert.Equal("sizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => tlsf.Allocate(sizeBytes, 16)).ParamName);
        AssertUntouched(tlsf);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-65536L)]
    [InlineData(3L)]
    [InlineData(48L)]
    [InlineData(65535L)]
    [InlineData(131072L)]
    [InlineData(long.MinValue)]
    public void Allocate_WhenAlignmentIsNotAPowerOfTwoUpTo64KiB_ThrowsNamingAlignmentBytes(long alignmentBytes)
    {
        var tlsf = new Tlsf(1 << 20);
        Assert.Equal("alignmentBytes", Assert.Throws<ArgumentOutOfRangeException>(() => tlsf.TryAllocate(64, alignmentBytes, out _)).ParamName);
        Assert.Equal("alignmentBytes", Assert.Throws<ArgumentOutOfRangeException>(() => tlsf.Allocate(64, alignmentBytes)).ParamName);
        Assert.Equal("alignmentBytes", Assert.Throws<ArgumentOutOfRangeException>(() => tlsf.MaxAvailableSize(alignmentBytes)).ParamName);
        AssertUntouched(tlsf);
    }

    [Fact]
    public void Allocate_WhenNothingFits_ThrowsInsufficientMemoryAndTryAllocateReturnsFalse()
    {
        var tlsf = new Tlsf(4096);
        Assert.False(tlsf.TryAllocate(4097, 1, out var refused));
        Assert.Equal(default, refused);
        Assert.False(tlsf.TryAllocate(long.MaxValue, 1, out _));
        var error = Assert.Throws<InsufficientMemoryException>(() => tlsf.Allocate(4097, 1));
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
        AssertUntouched(tlsf);
    }

    [Fact]
    public void Free_Twice_ThrowsInvalidOperationTheSecondTime()
    {
        var tlsf = new Tlsf(1 << 20);
        var allocation = tlsf.Allocate(1000, 256);
        tlsf.Free(allocation);
        Assert.Throws<InvalidOperationException>(() => tlsf.Free(allocation));
        AssertUntouched(tlsf);
    }

    [Fact]
    public void Free_OfAStaleHandleWhoseNodeWasReused_ThrowsAndLeavesTheNewAllocationLive()
    {
        var tlsf = new Tlsf(1 << 20);
        var stale = tlsf.Allocate(1000, 16);
        tlsf.Free(stale);
        var reused = tlsf.Allocate(1000, 16);
        Assert.Equal(stale.Handle, reused.Handle);
        Assert.Equal(stale.OffsetBytes, reused.OffsetBytes);
        Assert.NotEqual(stale.Generation, reused.Generation);

        Assert.False(tlsf.IsLive(stale));
        Assert.Throws<InvalidOperationException>(() => tlsf.Free(stale));
        Assert.True(tlsf.IsLive(reused));
        tlsf.Free(reused);
        AssertUntouched(tlsf);
    }

    [Fact]
    public void Free_OfTheDefaultHandle_Throws()
    {
        var tlsf = new Tlsf(1 << 20);
        _ = tlsf.Allocate(64, 1);
        Assert.False(tlsf.IsLive(default));
        Assert.False(default(TlsfAllocation).IsIssued);
        Assert.Throws<InvalidOperationException>(() => tlsf.Free(default));
        Assert.Equal(1, tlsf.GetStatistics().AllocationCount);
    }

    [Fact]
    public void Free_OfAHandleFromAnotherTlsf_ThrowsWhenHandleGenerationOffsetOrSizeDisagree()
    {
        var mine = new Tlsf(1 << 20);
        var other = new Tlsf(1 << 20);
        var kept = mine.Allocate(4096, 16);
        other.Free(other.Allocate(64, 16));          // bump the other's node 0 generation
        _ = other.Allocate(64, 16);
        var foreignSize = other.Allocate(8192, 16);  // same handle as nothing live in mine
        var foreignHandle = new TlsfAllocation(kept.OffsetBytes, kept.SizeBytes, kept.Handle + 1000, kept.Generation);
        var foreignOffset = kept with { OffsetBytes = kept.OffsetBytes + 16 };
        var foreignGeneration = kept with { Generation = kept.Generation + 1 };

        foreach (var foreign in (TlsfAllocation[])[foreignSize, foreignHandle, foreignOffset, foreignGeneration, kept with { Handle = -1 }])
        {
            Assert.False(mine.IsLive(foreign), $"{foreign} looks live next to {kept}");
            Assert.Throws<InvalidOperationException>(() => mine.Free(foreign));
        }

        Assert.True(mine.IsLive(kept));
        mine.Free(kept);
        AssertUntouched(mine);
    }

    private static void AssertUntouched(Tlsf tlsf)
    {
        tlsf.CheckIntegrity();
        Assert.Equal([new TlsfRange(0, tlsf.CapacityBytes)], tlsf.GetFreeRanges());
    }
}
