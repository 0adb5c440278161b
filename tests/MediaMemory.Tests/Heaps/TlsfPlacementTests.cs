using CsCheck;
using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>
/// Where an allocation lands: the best-fit choice of range, the end of the range it takes, and the property
/// in-place compaction relies on (a fresh allocator fills from the front).
/// </summary>
public sealed class TlsfPlacementTests
{
    [Fact]
    public void Allocate_InAHoleWithASmallerNeighbourAbove_TakesTheHighEndAndLeavesTheRestNextToTheLargerOne()
    {
        var tlsf = new Tlsf(1 << 20);
        var large = tlsf.Allocate(4096, 16);   // [0, 4096)
        var hole = tlsf.Allocate(1024, 16);    // [4096, 5120)
        var small = tlsf.Allocate(256, 16);    // [5120, 5376)
        tlsf.Free(hole);

        var placed = tlsf.Allocate(256, 16);
        Assert.Equal(5120 - 256, placed.OffsetBytes);
        Assert.Equal([new TlsfRange(4096, 768), new TlsfRange(5376, (1 << 20) - 5376)], tlsf.GetFreeRanges());

        // When the larger neighbour goes, the remainder joins it.
        tlsf.Free(large);
        Assert.Equal(new TlsfRange(0, 4096 + 768), tlsf.GetFreeRanges()[0]);
        Assert.True(tlsf.IsLive(small));
        tlsf.CheckIntegrity();
    }

    [Fact]
    public void Allocate_InAHoleWithASmallerNeighbourBelow_TakesTheLowEnd()
    {
        var tlsf = new Tlsf(1 << 20);
        _ = tlsf.Allocate(256, 16);            // [0, 256)
        var hole = tlsf.Allocate(1024, 16);    // [256, 1280)
        _ = tlsf.Allocate(4096, 16);           // [1280, 5376)
        tlsf.Free(hole);

        var placed = tlsf.Allocate(256, 16);
        Assert.Equal(256, placed.OffsetBytes);
        Assert.Equal([new TlsfRange(512, 768), new TlsfRange(5376, (1 << 20) - 5376)], tlsf.GetFreeRanges());
    }

    [Fact]
    public void Allocate_AtTheHighEndOfAHole_AlignsDownAndReturnsTheGapAboveAsAFreeRange()
    {
        var tlsf = new Tlsf(1 << 20);
        _ = tlsf.Allocate(65536, 16);                    // [0, 65536)
        var hole = tlsf.Allocate(3 * 4096, 16);          // [65536, 77824)
        _ = tlsf.Allocate(1000, 16);                     // [77824, 78832): smaller than the neighbour below
        tlsf.Free(hole);

        var placed = tlsf.Allocate(4000, 4096);          // 4000 B rounded to 4000; highest 4 KiB boundary that fits: 73728
        Assert.Equal(73728, placed.OffsetBytes);
        Assert.Equal([new TlsfRange(65536, 73728 - 65536), new TlsfRange(73728 + 4000, 77824 - 73728 - 4000), new TlsfRange(78832, (1 << 20) - 78832)], tlsf.GetFreeRanges());
        tlsf.CheckIntegrity();
    }

    [Fact]
    public void Allocate_OfExactlyAHoleNotAtAClassStart_TakesTheHoleInsteadOfALargerRange()
    {
        // 100,000 B is inside its size class (classes are 2 KiB wide there): the paper's good fit rounds the
        // request up to the next class and would skip the exact hole for the tail.
        var tlsf = new Tlsf(1 << 22);
        _ = tlsf.Allocate(4096, 16);
        var hole = tlsf.Allocate(100_000, 16);
        _ = tlsf.Allocate(4096, 16);
        tlsf.Free(hole);

        var placed = tlsf.Allocate(100_000, 16);
        Assert.Equal(hole.OffsetBytes, placed.OffsetBytes);
        Assert.Single(tlsf.GetFreeRanges());
    }

    [Fact]
    public void Allocate_WithAlignment_TakesAHoleThatFitsOnceAligned()
    {
        // A 64 KiB hole on a 64 KiB boundary holds a 64 KiB request aligned to 64 KiB exactly; asking for
        // size + alignment would pass it over for the tail.
        var tlsf = new Tlsf(1 << 22);
        _ = tlsf.Allocate(65536, 16);
        var hole = tlsf.Allocate(65536, 16);
        _ = tlsf.Allocate(4096, 16);
        tlsf.Free(hole);

        var placed = tlsf.Allocate(65536, 65536);
        Assert.Equal(65536, placed.OffsetBytes);
        Assert.Single(tlsf.GetFreeRanges());
    }

    [Fact]
    public void Allocate_InTheTailRange_TakesItsFront()
    {
        var tlsf = new Tlsf(1 << 20);
        var offsets = Enumerable.Range(0, 8).Select(i => tlsf.Allocate(4096 >> (i % 4), 16).OffsetBytes).ToArray();
        Assert.Equal([0L, 4096, 6144, 7168, 7680, 11776, 13824, 14848], offsets);
    }

    /// <summary>
    /// ResourceHeap's in-place compaction re-places a block's allocations, in ascending order of their old
    /// offsets, into a fresh allocator, and copies each down: that is only safe if none lands above its old
    /// offset. Random churn makes the old layout; the re-placement must never move anything up.
    /// </summary>
    [Fact]
    public void ReplacingInAscendingOrderIntoAFreshAllocator_NeverPlacesAboveTheOldOffset()
    {
        var genStep = Gen.Select(Gen.Int[0, 2], Gen.Long[1, 1 << 20], Gen.Int[0, 16], Gen.Int[0, 1 << 20]);
        Gen.Select(Gen.Long[1 << 20, 64L << 20], genStep.Array[1, 200]).Sample((capacityBytes, steps) =>
        {
            var tlsf = new Tlsf(capacityBytes);
            var live = new List<(TlsfAllocation Allocation, long SizeBytes, long AlignmentBytes)>();
            foreach (var (kind, sizeBytes, alignmentLog2, pick) in steps)
            {
                if (kind == 0 && live.Count > 0)
                {
                    var victim = pick % live.Count;
                    tlsf.Free(live[victim].Allocation);
                    live.RemoveAt(victim);
                }
                else if (tlsf.TryAllocate(sizeBytes, 1L << alignmentLog2, out var allocation))
                {
                    live.Add((allocation, sizeBytes, 1L << alignmentLog2));
                }
            }

            var fresh = new Tlsf(capacityBytes);
            foreach (var (old, sizeBytes, alignmentBytes) in live.OrderBy(l => l.Allocation.OffsetBytes))
            {
                var placed = fresh.Allocate(sizeBytes, alignmentBytes);
                Assert.True(placed.OffsetBytes <= old.OffsetBytes, $"{sizeBytes} B aligned to {alignmentBytes} was at {old.OffsetBytes}, re-placed at {placed.OffsetBytes}");
            }

            fresh.CheckIntegrity();
        }, iter: 300, threads: 1);
    }
}
