using System.Runtime.InteropServices;
using MediaMemory.Budgeting;
using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>
/// Shared helpers of the ResourceHeap tests: heaps over a fresh budget, seeded byte patterns that can be
/// written into an allocation and verified later (also as a slice, for aliases), and an integrity check of a
/// heap's statistics against its budget.
/// </summary>
internal static class ResourceHeapTestKit
{
    public const long KiB = 1024;
    public const long MiB = 1024 * 1024;
    public const AllocationCategory Category = AllocationCategory.WorkingTextures;

    public static ResourceHeap NewHeap(
        MemoryBudget budget,
        long blockSizeBytes = 16 * MiB,
        int minBlocks = 0,
        int maxBlocks = 0,
        bool debugAliasChecks = false,
        bool reclaimEmptyBlocks = true,
        string name = "test-heap") =>
        new(name, Category, budget, new ResourceHeapOptions
        {
            BlockSizeBytes = blockSizeBytes,
            MinBlocks = minBlocks,
            MaxBlocks = maxBlocks,
            DebugAliasChecks = debugAliasChecks,
            ReclaimEmptyBlocks = reclaimEmptyBlocks,
        });

    /// <summary>Word <paramref name="index"/> of the pattern <paramref name="seed"/> (SplitMix64's finaliser).</summary>
    public static ulong Word(ulong seed, long index)
    {
        var z = seed + ((ulong)index * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Byte <paramref name="position"/> of the pattern (little-endian bytes of its words).</summary>
    public static byte ByteAt(ulong seed, long position) => (byte)(Word(seed, position >> 3) >> (int)((position & 7) * 8));

    /// <summary>Writes bytes [0, span.Length) of pattern <paramref name="seed"/>.</summary>
    public static void Fill(Span<byte> span, ulong seed)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(span);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BitConverter.IsLittleEndian ? Word(seed, i) : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Word(seed, i));
        }

        for (var p = words.Length * 8; p < span.Length; p++)
        {
            span[p] = ByteAt(seed, p);
        }
    }

    /// <summary>Writes the pattern into the allocation through a lease.</summary>
    public static void Fill(HeapAllocation allocation, ulong seed)
    {
        using var lease = allocation.Lease();
        Fill(lease.Span, seed);
    }

    /// <summary>Index of the first byte of <paramref name="span"/> that differs from bytes
    /// [<paramref name="startBytes"/>, startBytes + span.Length) of the pattern, or −1.</summary>
    public static long FirstMismatch(ReadOnlySpan<byte> span, ulong seed, long startBytes = 0)
    {
        var j = 0;
        while (j < span.Length && ((startBytes + j) & 7) != 0)
        {
            if (span[j] != ByteAt(seed, startBytes + j))
            {
                return j;
            }

            j++;
        }

        var words = MemoryMarshal.Cast<byte, ulong>(span[j..]);
        var firstWord = (startBytes + j) >> 3;
        if (BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < words.Length; i++)
            {
                if (words[i] != Word(seed, firstWord + i))
                {
                    return FirstMismatchBytewise(span, seed, startBytes, j + (i * 8));
                }
            }

            j += words.Length * 8;
        }

        return FirstMismatchBytewise(span, seed, startBytes, j);
    }

    private static long FirstMismatchBytewise(ReadOnlySpan<byte> span, ulong seed, long startBytes, int from)
    {
        for (var p = from; p < span.Length; p++)
        {
            if (span[p] != ByteAt(seed, startBytes + p))
            {
                return p;
            }
        }

        return -1;
    }

    /// <summary>Asserts that the allocation holds bytes [<paramref name="startBytes"/>, …) of pattern <paramref name="seed"/>.</summary>
    public static void AssertPattern(HeapAllocation allocation, ulong seed, string context, long startBytes = 0)
    {
        using var lease = allocation.Lease();
        Assert.True(lease.Span.Length == allocation.SizeBytes, $"{context}: lease of {lease.Span.Length} bytes, allocation of {allocation.SizeBytes}");
        var mismatch = FirstMismatch(lease.Span, seed, startBytes);
        Assert.True(mismatch < 0,
            $"{context}: allocation '{allocation.Name}' (block {allocation.BlockIndex}, offset {allocation.OffsetBytes}, {allocation.SizeBytes} bytes) " +
            $"differs from pattern {seed} at byte {mismatch}: 0x{(mismatch < 0 ? 0 : lease.Span[(int)mismatch]):X2}, " +
            $"expected 0x{ByteAt(seed, startBytes + Math.Max(0, mismatch)):X2}");
    }

    /// <summary>
    /// Checks a heap's statistics against themselves and against the budget: blocks add up to what the
    /// budget holds under the heap's category; within a block, non-alias allocations are in bounds, aligned
    /// and disjoint, every alias lies within an aliasable base; free ranges are disjoint from allocations and
    /// add up with the allocator's used bytes to the block; totals and fragmentation are consistent.
    /// </summary>
    public static HeapStatistics AssertIntegrity(ResourceHeap heap, MemoryBudget budget, string context)
    {
        var stats = heap.GetStatistics();
        Assert.True(stats.BlockBytes == budget.GetUsedBytes(heap.Category),
            $"{context}: heap holds {stats.BlockBytes} block bytes, budget has {budget.GetUsedBytes(heap.Category)} under {heap.Category}");
        Assert.True(stats.Blocks.Sum(b => b.SizeBytes) == stats.BlockBytes, $"{context}: blocks sum to {stats.Blocks.Sum(b => b.SizeBytes)}, BlockBytes {stats.BlockBytes}");
        Assert.True(stats.Blocks.Count == heap.BlockCount, $"{context}: {stats.Blocks.Count} blocks in statistics, BlockCount {heap.BlockCount}");

        long used = 0;
        var count = 0;
        long totalFree = 0;
        long largestFree = 0;
        foreach (var block in stats.Blocks)
        {
            var bases = block.Allocations.Where(a => !a.IsAlias).OrderBy(a => a.OffsetBytes).ToList();
            for (var i = 0; i < bases.Count; i++)
            {
                var a = bases[i];
                Assert.True(a.BlockIndex == block.Index, $"{context}: allocation in block {block.Index} says block {a.BlockIndex}");
                Assert.True(a.OffsetBytes >= 0 && a.OffsetBytes + a.SizeBytes <= block.SizeBytes,
                    $"{context}: [{a.OffsetBytes}, +{a.SizeBytes}) leaves block {block.Index} of {block.SizeBytes} bytes");
                Assert.True(a.OffsetBytes % a.AlignmentBytes == 0, $"{context}: offset {a.OffsetBytes} not aligned to {a.AlignmentBytes}");
                Assert.True(i == 0 || bases[i - 1].OffsetBytes + bases[i - 1].SizeBytes <= a.OffsetBytes,
                    $"{context}: block {block.Index}: [{(i > 0 ? bases[i - 1].OffsetBytes : 0)}, +{(i > 0 ? bases[i - 1].SizeBytes : 0)}) overlaps [{a.OffsetBytes}, +{a.SizeBytes})");
                foreach (var range in block.FreeRanges)
                {
                    Assert.True(range.EndBytes <= a.OffsetBytes || a.OffsetBytes + a.SizeBytes <= range.OffsetBytes,
                        $"{context}: block {block.Index}: free range {range} overlaps allocation [{a.OffsetBytes}, +{a.SizeBytes})");
                }

                used += a.SizeBytes;
            }

            foreach (var alias in block.Allocations.Where(a => a.IsAlias))
            {
                Assert.True(alias.OffsetBytes % alias.AlignmentBytes == 0, $"{context}: alias offset {alias.OffsetBytes} not aligned to {alias.AlignmentBytes}");
                Assert.True(bases.Any(b => b.IsAliasable && b.AliasCount > 0 && b.OffsetBytes <= alias.OffsetBytes && alias.OffsetBytes + alias.SizeBytes <= b.OffsetBytes + b.SizeBytes),
                    $"{context}: alias [{alias.OffsetBytes}, +{alias.SizeBytes}) in block {block.Index} lies within no aliasable base with aliases");
            }

            var aliasCounts = bases.Sum(b => b.AliasCount);
            var aliases = block.Allocations.Count(a => a.IsAlias);
            Assert.True(aliasCounts == aliases, $"{context}: block {block.Index}: bases count {aliasCounts} aliases, the block holds {aliases}");
            count += block.Allocations.Count;

            var freeBytes = block.FreeRanges.Sum(r => r.SizeBytes);
            Assert.True(freeBytes + block.UsedBytes == block.SizeBytes,
                $"{context}: block {block.Index}: free {freeBytes} + used {block.UsedBytes} != size {block.SizeBytes}");
            for (var i = 1; i < block.FreeRanges.Count; i++)
            {
                Assert.True(block.FreeRanges[i - 1].EndBytes < block.FreeRanges[i].OffsetBytes,
                    $"{context}: block {block.Index}: free ranges {block.FreeRanges[i - 1]} and {block.FreeRanges[i]} touch or overlap (not coalesced)");
            }

            if (!block.Dedicated)
            {
                totalFree += freeBytes;
                largestFree = Math.Max(largestFree, block.FreeRanges.Count == 0 ? 0 : block.FreeRanges.Max(r => r.SizeBytes));
            }
        }

        Assert.True(used == stats.UsedBytes, $"{context}: allocations add up to {used} bytes, statistics say {stats.UsedBytes}");
        Assert.True(count == stats.AllocationCount, $"{context}: {count} allocations listed, statistics say {stats.AllocationCount}");
        var fragmentation = totalFree == 0 ? 0 : 1 - ((double)largestFree / totalFree);
        Assert.True(Math.Abs(fragmentation - stats.Fragmentation) < 1e-12, $"{context}: fragmentation {stats.Fragmentation}, free ranges give {fragmentation}");
        return stats;
    }

    /// <summary>What the statistics say about one (non-alias) allocation.</summary>
    public static HeapAllocationInfo InfoOf(HeapAllocation allocation)
    {
        var offset = allocation.OffsetBytes;
        var block = allocation.BlockIndex;
        return allocation.Heap!.GetStatistics().Blocks.Single(b => b.Index == block).Allocations.Single(a => !a.IsAlias && a.OffsetBytes == offset);
    }

    /// <summary>Live aliases placed on <paramref name="allocation"/>, as the statistics say.</summary>
    public static int AliasCountOf(HeapAllocation allocation) => InfoOf(allocation).AliasCount;

    /// <summary>The test's output, if xunit gives one.</summary>
    public static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
