using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>Defragmentation of a heap fragmented by churn: fragmentation, freed blocks, contents and handles,
/// leased and aliased allocations left in place, and the pass limits.</summary>
public sealed class ResourceHeapDefragmentationTests
{
    private const long BlockBytes = 16 * MiB;

    // Churn's largest request: 1.5 MiB.
    private const long LargestChurnBytes = 3 * MiB / 2;

    [Fact]
    public void ChurnedHeap_DefragmentsBelowTenPercent_FreesTheEmptiedBlocks_AndKeepsEveryByte()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: BlockBytes);
        var live = Churn(heap, seed: 2024, totalBytes: 6 * BlockBytes);
        var blocksBefore = heap.BlockCount;
        var budgetBefore = budget.GetUsedBytes(Category);
        var before = AssertIntegrity(heap, budget, "after churn");
        Assert.True(before.Fragmentation > 0.5, $"churn left fragmentation {before.Fragmentation:F3} over {blocksBefore} blocks");
        Assert.True(blocksBefore >= 4, $"churn spans {blocksBefore} blocks");

        var result = heap.Defragment();

        var after = AssertIntegrity(heap, budget, "after defragmentation");
        Log($"churned heap: {live.Count} live allocations ({before.UsedBytes} bytes) in {blocksBefore} blocks of {BlockBytes} bytes; " +
            $"fragmentation {result.FragmentationBefore:F4} -> {result.FragmentationAfter:F4}; moves {result.Moves} ({result.BytesMoved} bytes); " +
            $"blocks freed {result.BlocksFreed} ({result.BytesFreed} bytes); blocks left {heap.BlockCount}; budget {budgetBefore} -> {budget.GetUsedBytes(Category)}");
        Assert.Equal(before.Fragmentation, result.FragmentationBefore, 12);
        Assert.Equal(after.Fragmentation, result.FragmentationAfter, 12);
        Assert.True(result.FragmentationAfter < 0.1, $"fragmentation after defragmentation {result.FragmentationAfter:F4} (before {result.FragmentationBefore:F4})");
        Assert.True(result.BlocksFreed > 0, $"no block freed; {heap.BlockCount} blocks hold {after.UsedBytes} bytes");
        Assert.Equal(blocksBefore - result.BlocksFreed, heap.BlockCount);
        Assert.Equal(budgetBefore - result.BytesFreed, budget.GetUsedBytes(Category));
        Assert.Equal(result.BlocksFreed * BlockBytes, result.BytesFreed);
        Assert.True(result.Moves > 0 && result.BytesMoved > 0, $"{result.Moves} moves, {result.BytesMoved} bytes");
        Assert.Equal((0, 0), (result.SkippedLeased, result.SkippedAliased));
        Assert.Equal(before.UsedBytes, after.UsedBytes);
        Assert.True(heap.BlockCount <= (after.UsedBytes / BlockBytes) + 2, $"{heap.BlockCount} blocks left for {after.UsedBytes} bytes");
        VerifyAll(live, "after defragmentation");

        // Every handle still works: free them all through their handles; the heap ends empty and consistent.
        foreach (var (allocation, _) in live)
        {
            heap.Free(allocation);
        }

        var end = AssertIntegrity(heap, budget, "after freeing everything");
        Assert.Equal(0, end.AllocationCount);
        Assert.All(end.Blocks, b => Assert.Equal([new TlsfRange(0, BlockBytes)], b.FreeRanges));
        heap.Trim();
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void LeasedAllocation_IsNeverMoved_WhileOthersAre()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: BlockBytes);
        var live = Churn(heap, seed: 7, totalBytes: 4 * BlockBytes);
        var (pinned, pinnedSeed) = live.OrderByDescending(x => x.Allocation.BlockIndex).ThenByDescending(x => x.Allocation.OffsetBytes).First();
        var (block, offset) = (pinned.BlockIndex, pinned.OffsetBytes);
        var offsetsBefore = live.ToDictionary(x => x.Allocation, x => (x.Allocation.BlockIndex, x.Allocation.OffsetBytes));

        DefragmentationResult result;
        using (var lease = pinned.Lease())
        {
            result = heap.Defragment();
            Assert.Equal((block, offset), (pinned.BlockIndex, pinned.OffsetBytes));
            Assert.Equal(-1, FirstMismatch(lease.Span, pinnedSeed));
        }

        Log($"leased: moves {result.Moves}, skipped leased {result.SkippedLeased}, fragmentation {result.FragmentationBefore:F4} -> {result.FragmentationAfter:F4}, blocks freed {result.BlocksFreed}");
        Assert.Equal(1, result.SkippedLeased);
        Assert.True(result.Moves > 0, "nothing else was moved");
        Assert.Contains(live, x => offsetsBefore[x.Allocation] != (x.Allocation.BlockIndex, x.Allocation.OffsetBytes));
        Assert.False(InfoOf(pinned).IsLeased);
        VerifyAll(live, "after defragmentation around a lease");
        AssertIntegrity(heap, budget, "after defragmentation around a lease");

        // Once the lease is gone the allocation may move in the next pass.
        var second = heap.Defragment();
        Assert.Equal(0, second.SkippedLeased);
        VerifyAll(live, "after the second pass");
        FreeAll(heap, live);
    }

    [Fact]
    public void AliasedAllocations_AreNeverMoved_AndAliasesStillSeeTheirBase()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var live = new List<(HeapAllocation Allocation, ulong Seed)>();
        for (var i = 0; i < 24; i++)
        {
            var allocation = heap.AllocateBuffer(100 * KiB, 256, aliasable: i == 21, name: $"b{i}");
            Fill(allocation, (ulong)i);
            live.Add((allocation, (ulong)i));
        }

        var baseAllocation = live[21].Allocation;
        var alias = heap.AllocateAliased(10 * KiB, baseAllocation, offsetBytes: 4 * KiB, name: "alias");
        var where = (baseAllocation.BlockIndex, baseAllocation.OffsetBytes, alias.OffsetBytes);
        for (var i = 0; i < 21; i += 2)
        {
            live[i].Allocation.Dispose();
        }

        live = [.. live.Where(x => x.Allocation.IsLive)];

        var result = heap.Defragment();

        Assert.Equal(where, (baseAllocation.BlockIndex, baseAllocation.OffsetBytes, alias.OffsetBytes));
        Assert.Equal(2, result.SkippedAliased);
        Assert.True(result.Moves > 0);
        VerifyAll(live, "after defragmentation around an alias set");
        AssertPattern(alias, 21, "alias after defragmentation", startBytes: 4 * KiB);
        AssertIntegrity(heap, budget, "after defragmentation around an alias set");
        alias.Dispose();
        FreeAll(heap, live);
    }

    [Theory]
    [InlineData(1, 0L)]
    [InlineData(5, 0L)]
    [InlineData(0, 2 * 1024 * 1024L)]
    [InlineData(3, 1024 * 1024L)]
    [InlineData(4, 4 * 1024 * 1024L)]
    public void PassLimits_AreHonoured(int maxMoves, long maxBytesToMove)
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: BlockBytes);
        var live = Churn(heap, seed: 99, totalBytes: 3 * BlockBytes);
        var options = new DefragmentationOptions { MaxMoves = maxMoves, MaxBytesToMove = maxBytesToMove };

        var result = heap.Defragment(options);

        Log($"limits moves<={maxMoves} bytes<={maxBytesToMove}: moved {result.Moves} ({result.BytesMoved} bytes), fragmentation {result.FragmentationBefore:F4} -> {result.FragmentationAfter:F4}");
        Assert.True(maxMoves == 0 || result.Moves <= maxMoves, $"{result.Moves} moves, limit {maxMoves}");
        Assert.True(maxBytesToMove == 0 || result.BytesMoved <= maxBytesToMove, $"{result.BytesMoved} bytes moved, limit {maxBytesToMove}");
        Assert.True(result.Moves > 0, $"a limited pass moved nothing (limits {maxMoves} moves, {maxBytesToMove} bytes)");
        VerifyAll(live, "after a limited pass");
        AssertIntegrity(heap, budget, "after a limited pass");

        // Repeated limited passes converge as far as one unlimited pass would, unless some allocation is
        // larger than the bytes a pass may move (it can then never move).
        for (var pass = 0; pass < 2000 && heap.Defragment(options).Moves > 0; pass++)
        {
        }

        VerifyAll(live, "after repeated limited passes");
        AssertIntegrity(heap, budget, "after repeated limited passes");
        if (maxBytesToMove == 0 || maxBytesToMove >= LargestChurnBytes)
        {
            Assert.True(heap.Fragmentation < 0.1, $"fragmentation {heap.Fragmentation:F4} after repeated limited passes");
        }
        FreeAll(heap, live);
    }

    [Fact]
    public void DefragmentingAnEmptyOrPackedHeap_MovesNothing()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 1);
        Assert.Equal(new DefragmentationResult(0, 0, 0, 0, 0, 0, 0, 0), heap.Defragment());
        var packed = Enumerable.Range(0, 8).Select(i => heap.AllocateBuffer(128 * KiB, 256)).ToList();

        var result = heap.Defragment();

        Assert.Equal((0, 0L, 0), (result.Moves, result.BytesMoved, result.BlocksFreed));
        packed.ForEach(a => a.Dispose());
    }

    /// <summary>Fills the heap with about <paramref name="totalBytes"/> of seeded media-like buffers (64 KiB to
    /// 1.5 MiB, alignments 256 B to 64 KiB), each written with its own pattern, then frees every other one.</summary>
    private static List<(HeapAllocation Allocation, ulong Seed)> Churn(ResourceHeap heap, int seed, long totalBytes)
    {
        var random = new Random(seed);
        var all = new List<(HeapAllocation Allocation, ulong Seed)>();
        for (long bytes = 0; bytes < totalBytes;)
        {
            var size = random.NextInt64(64 * KiB, LargestChurnBytes + 1);
            var allocation = heap.AllocateBuffer(size, 1L << random.Next(8, 17), name: $"churn{all.Count}");
            var patternSeed = (ulong)(seed * 100_000) + (ulong)all.Count;
            Fill(allocation, patternSeed);
            all.Add((allocation, patternSeed));
            bytes += size;
        }

        for (var i = 0; i < all.Count; i += 2)
        {
            heap.Free(all[i].Allocation);
        }

        return [.. all.Where((_, i) => i % 2 == 1)];
    }

    private static void VerifyAll(List<(HeapAllocation Allocation, ulong Seed)> live, string context)
    {
        foreach (var (allocation, seed) in live)
        {
            Assert.True(allocation.IsLive, $"{context}: handle of '{allocation.Name}' no longer works");
            AssertPattern(allocation, seed, context);
        }
    }

    private static void FreeAll(ResourceHeap heap, List<(HeapAllocation Allocation, ulong Seed)> live)
    {
        foreach (var (allocation, _) in live)
        {
            heap.Free(allocation);
        }
    }
}
