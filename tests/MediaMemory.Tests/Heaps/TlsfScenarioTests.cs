using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>Small pinned scenarios whose exact layout is known, compared step by step.</summary>
public sealed class TlsfScenarioTests
{
    [Fact]
    public void Allocate_InAnEmptyAllocator_TakesTheFrontAndLeavesTheRestAsOneRange()
    {
        var tlsf = new Tlsf(1 << 20);
        var allocation = tlsf.Allocate(1000, 1);
        Assert.Equal(new TlsfAllocation(0, 1008, allocation.Handle, allocation.Generation), allocation);
        Assert.Equal([new TlsfRange(1008, (1 << 20) - 1008)], tlsf.GetFreeRanges());
        Assert.Equal(new TlsfStatistics(1 << 20, 1008, (1 << 20) - 1008, 1, 1, (1 << 20) - 1008, 0.0), tlsf.GetStatistics());
    }

    [Fact]
    public void Free_BetweenTwoLiveAllocations_LeavesAHoleThatDoesNotMerge()
    {
        var (tlsf, a, b, c) = ThreeInARow();
        tlsf.Free(b);
        Assert.Equal([new TlsfRange(256, 256), new TlsfRange(768, 256)], tlsf.GetFreeRanges());
        Assert.Equal([a, c], tlsf.GetAllocations());
        Assert.Equal(1.0 - (256.0 / 512.0), tlsf.GetStatistics().Fragmentation);
    }

    [Fact]
    public void Free_NextToAFreeRangeOnTheLeft_CoalescesLeft()
    {
        var (tlsf, a, b, _) = ThreeInARow();
        tlsf.Free(a);
        tlsf.Free(b);
        Assert.Equal([new TlsfRange(0, 512), new TlsfRange(768, 256)], tlsf.GetFreeRanges());
        tlsf.CheckIntegrity();
    }

    [Fact]
    public void Free_NextToAFreeRangeOnTheRight_CoalescesRight()
    {
        var (tlsf, _, b, c) = ThreeInARow();
        tlsf.Free(c);
        Assert.Equal([new TlsfRange(512, 512)], tlsf.GetFreeRanges());
        tlsf.Free(b);
        Assert.Equal([new TlsfRange(256, 768)], tlsf.GetFreeRanges());
        tlsf.CheckIntegrity();
    }

    [Fact]
    public void Free_BetweenTwoFreeRanges_CoalescesBothIntoOne()
    {
        var (tlsf, a, b, c) = ThreeInARow();
        tlsf.Free(a);
        tlsf.Free(c);
        Assert.Equal([new TlsfRange(0, 256), new TlsfRange(512, 512)], tlsf.GetFreeRanges());
        tlsf.Free(b);
        Assert.Equal([new TlsfRange(0, 1024)], tlsf.GetFreeRanges());
        Assert.Equal(new TlsfStatistics(1024, 0, 1024, 0, 1, 1024, 0.0), tlsf.GetStatistics());
        tlsf.CheckIntegrity();
    }

    [Fact]
    public void Allocate_WithAlignment_ReturnsTheFrontPaddingAsAFreeRange()
    {
        var tlsf = new Tlsf(2 * 65536);
        var small = tlsf.Allocate(100, 1);                 // [0, 112)
        var aligned = tlsf.Allocate(4096, 65536);          // padding [112, 65536) must stay free
        Assert.Equal(65536, aligned.OffsetBytes);
        Assert.Equal([new TlsfRange(112, 65536 - 112), new TlsfRange(65536 + 4096, 65536 - 4096)], tlsf.GetFreeRanges());
        Assert.Equal(112 + 4096, tlsf.GetStatistics().UsedBytes);

        var filler = tlsf.Allocate(65536 - 112, 16);       // the padding is usable, every byte of it
        Assert.Equal(112, filler.OffsetBytes);
        tlsf.Free(aligned);
        tlsf.Free(small);
        tlsf.Free(filler);
        Assert.Equal([new TlsfRange(0, 2 * 65536)], tlsf.GetFreeRanges());
    }

    [Fact]
    public void Allocate_OfExactlyAFreeRange_TakesItWhole()
    {
        var (tlsf, _, b, _) = ThreeInARow();
        tlsf.Free(b);
        var exact = tlsf.Allocate(256, 256);
        Assert.Equal(256, exact.OffsetBytes);
        Assert.Equal([new TlsfRange(768, 256)], tlsf.GetFreeRanges());
        Assert.Equal(0, tlsf.GetStatistics().Fragmentation);
    }

    [Fact]
    public void Allocate_OfTheWholeCapacity_LeavesNothingFree()
    {
        var tlsf = new Tlsf(1 << 20);
        var all = tlsf.Allocate(1 << 20, Tlsf.MaxAlignmentBytes);
        Assert.Equal(new TlsfStatistics(1 << 20, 1 << 20, 0, 1, 0, 0, 0.0), tlsf.GetStatistics());
        Assert.Empty(tlsf.GetFreeRanges());
        Assert.Equal(0, tlsf.MaxAvailableSize(1));
        Assert.False(tlsf.TryAllocate(1, 1, out _));
        tlsf.Free(all);
        Assert.Equal(1 << 20, tlsf.MaxAvailableSize(Tlsf.MaxAlignmentBytes));
    }

    [Fact]
    public void Allocate_WhenOnlyASmallAlignedRangeFitsButTheGoodFitSearchMissesIt_StillSucceeds()
    {
        // One free range of exactly 4 KiB at a 64 KiB boundary; the good-fit search would ask for
        // 4 KiB + 64 KiB - 16 B, so only the complete slow path finds it.
        var tlsf = new Tlsf(3 * 65536);
        var low = tlsf.Allocate(65536, 1);
        var hole = tlsf.Allocate(4096, 1);
        _ = tlsf.Allocate((2 * 65536) - 4096, 1);
        tlsf.Free(hole);
        Assert.Equal(4096, tlsf.MaxAvailableSize(65536));
        var placed = tlsf.Allocate(4096, 65536);
        Assert.Equal(65536, placed.OffsetBytes);
        Assert.True(tlsf.IsLive(low));
    }

    [Fact]
    public void Capacity_NotAWholeNumberOfGranules_ReportsTheTailFreeButNeverAllocatesIt()
    {
        var tlsf = new Tlsf(1000);
        Assert.Equal(992, tlsf.MaxAvailableSize(1));
        Assert.False(tlsf.TryAllocate(993, 1, out _));
        var most = tlsf.Allocate(992, 1);
        Assert.Equal([new TlsfRange(992, 8)], tlsf.GetFreeRanges());
        Assert.Equal(new TlsfStatistics(1000, 992, 8, 1, 1, 8, 0.0), tlsf.GetStatistics());
        Assert.Equal(0, tlsf.MaxAvailableSize(1));
        tlsf.Free(most);
        Assert.Equal([new TlsfRange(0, 1000)], tlsf.GetFreeRanges());
    }

    [Fact]
    public void Capacity_OfATebibyteAndMore_AllocatesAtTheTop()
    {
        var tlsf = new Tlsf(1L << 41);
        var big = tlsf.Allocate(1L << 40, Tlsf.MaxAlignmentBytes);
        var top = tlsf.Allocate((1L << 40) - 4096, 4096);
        Assert.Equal(1L << 40, top.OffsetBytes);
        Assert.Equal(4096, tlsf.MaxAvailableSize(4096));
        tlsf.Free(big);
        tlsf.Free(top);
        Assert.Equal(1L << 41, tlsf.MaxAvailableSize(1));
        tlsf.CheckIntegrity();
    }

    [Fact]
    public void SizeClasses_TileTheSizesWithoutGapsAndEveryClassHoldsOnlyItsSizes()
    {
        var expectedLowerBytes = 0L;
        for (var firstLevel = 0; firstLevel < Tlsf.FirstLevelCount; firstLevel++)
        {
            for (var secondLevel = 0; secondLevel < Tlsf.SecondLevelCount; secondLevel++)
            {
                var lowerBytes = Tlsf.ClassLowerBoundBytes(firstLevel, secondLevel);
                Assert.True(expectedLowerBytes == lowerBytes, $"class ({firstLevel}, {secondLevel}) starts at {lowerBytes}, expected {expectedLowerBytes}");
                var lastBytes = lowerBytes + Tlsf.ClassWidthBytes(firstLevel) - 1;
                Assert.Equal((firstLevel, secondLevel), Tlsf.ClassOf(lowerBytes));
                Assert.Equal((firstLevel, secondLevel), Tlsf.ClassOf(lastBytes));
                expectedLowerBytes = unchecked(lastBytes + 1); // the last class ends at 2^63
            }
        }

        Assert.Equal(long.MaxValue, Tlsf.ClassLowerBoundBytes(Tlsf.FirstLevelCount - 1, Tlsf.SecondLevelCount - 1) + (Tlsf.ClassWidthBytes(Tlsf.FirstLevelCount - 1) - 1));
        Assert.True(Tlsf.ClassOf(Tlsf.MaxCapacityBytes).FirstLevel < Tlsf.FirstLevelCount);
    }

    /// <summary>A 1 KiB allocator holding a = [0, 256), b = [256, 512), c = [512, 768), free [768, 1024).</summary>
    private static (Tlsf Tlsf, TlsfAllocation A, TlsfAllocation B, TlsfAllocation C) ThreeInARow()
    {
        var tlsf = new Tlsf(1024);
        var a = tlsf.Allocate(256, 256);
        var b = tlsf.Allocate(256, 256);
        var c = tlsf.Allocate(256, 256);
        Assert.Equal([0L, 256L, 512L], [a.OffsetBytes, b.OffsetBytes, c.OffsetBytes]);
        return (tlsf, a, b, c);
    }
}
