using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MediaMemory.Heaps.Internals;

namespace MediaMemory.Heaps;

/// <summary>The size classes: mapping, the per-class free lists and their two bitmap levels.</summary>
public sealed partial class Tlsf
{
    /// <summary>Head node of each class's free list, indexed fl * <see cref="SecondLevelCount"/> + sl.</summary>
    private readonly int[] _binHeads = new int[FirstLevelCount * SecondLevelCount];

    /// <summary>Bit sl of entry fl is set when class (fl, sl) has a free range.</summary>
    private readonly uint[] _secondLevelBitmaps = new uint[FirstLevelCount];

    /// <summary>Bit fl is set when any class of first level fl has a free range.</summary>
    private ulong _firstLevelBitmap;

    /// <summary>Number of free ranges on the lists.</summary>
    private int _freeRangeCount;

    /// <summary>The head of list <paramref name="bin"/>, without a bounds check: every bin reaching here is
    /// fl * 32 + sl of a class <see cref="ClassOf"/> produced (fl &lt; <see cref="FirstLevelCount"/> for every
    /// size up to 2^62) or a set bit of the bitmaps. Like <see cref="Node"/>, measured: the checks showed in a
    /// free+allocate pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int BinHead(int bin)
    {
        Debug.Assert((uint)bin < (uint)_binHeads.Length, "bins come from ClassOf or the bitmaps");
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_binHeads), bin);
    }

    /// <summary>The second-level bitmap of <paramref name="firstLevel"/>, without a bounds check (see <see cref="BinHead"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref uint SecondLevelBitmap(int firstLevel)
    {
        Debug.Assert((uint)firstLevel < (uint)_secondLevelBitmaps.Length, "first levels come from ClassOf or the bitmap");
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_secondLevelBitmaps), firstLevel);
    }

    /// <summary>The class a range of <paramref name="sizeBytes"/> is filed under (the paper's mapping_insert):
    /// the class whose lower bound is the largest one not above the size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int FirstLevel, int SecondLevel) ClassOf(long sizeBytes)
    {
        var bin = BinOf(sizeBytes);
        return (bin >> SecondLevelIndexLog2, bin & (SecondLevelCount - 1));
    }

    /// <summary>
    /// <see cref="ClassOf"/> as one list index, fl * <see cref="SecondLevelCount"/> + sl, without a branch or a
    /// tuple: the hot paths (filing a range, starting the best-fit search) need the index, and the bitmaps
    /// take fl = bin &gt;&gt; 5 and sl = bin &amp; 31 from it.
    /// </summary>
    /// <remarks>
    /// With shift = max(log2(granules) − <see cref="SecondLevelIndexLog2"/>, 0): for granules ≥ 32,
    /// fl = shift + 1 and sl = (granules &gt;&gt; shift) − 32, so fl * 32 + sl = shift * 32 + (granules &gt;&gt; shift);
    /// for granules &lt; 32, shift = 0 and the index is granules itself (fl = 0, sl = granules). The same
    /// formula covers both, and <see cref="Math.Max(int, int)"/> compiles to a conditional move.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int BinOf(long sizeBytes)
    {
        var granules = (ulong)sizeBytes >> GranularityLog2;
        var shift = Math.Max(BitOperations.Log2(granules) - SecondLevelIndexLog2, 0);
        return (shift << SecondLevelIndexLog2) + (int)(granules >> shift);
    }

    /// <summary>Smallest size, in bytes, filed under class (<paramref name="firstLevel"/>, <paramref name="secondLevel"/>).</summary>
    internal static long ClassLowerBoundBytes(int firstLevel, int secondLevel) =>
        (firstLevel == 0 ? secondLevel : (long)(SecondLevelCount + secondLevel) << (firstLevel - 1)) << GranularityLog2;

    /// <summary>Width of every class of <paramref name="firstLevel"/>, in bytes.</summary>
    internal static long ClassWidthBytes(int firstLevel) =>
        (firstLevel == 0 ? 1L : 1L << (firstLevel - 1)) << GranularityLog2;

    /// <summary>Ranges <see cref="FindBestFit"/> looks at before it gives up. Measured with <c>mediamem bench
    /// heap</c> (fill utilization, mean of its 20 seeds / of 200 seeds): 1 → 0.937 / 0.920, 2 → 0.933 / 0.924,
    /// 8 → 0.929 / 0.923, 64 → 0.929 / 0.924, an unbounded exact best fit 0.927 / 0.927; flat from 2 up within
    /// the seeds' noise, so 8 keeps the scan short while rarely giving up.</summary>
    internal const int BestFitScanLimit = 8;

    /// <summary>What <see cref="FindBestFit"/> returns when it looked at <see cref="BestFitScanLimit"/> ranges
    /// without finding one that fits.</summary>
    private const int ScanGaveUp = -2;

    /// <summary>
    /// Bounded best fit: walks the classes from the request's own class up (the own class first, where a
    /// range may be shorter than the request), checks each range for the aligned request exactly (not
    /// size + alignment, so a range that fits once aligned is not passed over), and returns the smallest range
    /// that fits in the first class that has one. Returns <see cref="NoNode"/> when it walked every class
    /// without a fit (nothing fits: the answer is exact), or <see cref="ScanGaveUp"/> after looking at
    /// <see cref="BestFitScanLimit"/> ranges without one. O(<see cref="BestFitScanLimit"/>).
    /// </summary>
    /// <remarks>The paper's good fit rounds the request up to the next class and takes that list's head, so it
    /// skips the request's own class, and with alignment it asks for size + alignment − granularity, skipping
    /// every range that would fit once aligned. Measured with <c>mediamem bench heap</c>: fill utilization
    /// 0.847 → 0.911 (mean of its 20 seeds), worst seed 0.715 → 0.832.</remarks>
    private int FindBestFit(long roundedBytes, long alignmentBytes)
    {
        var firstBin = BinOf(roundedBytes);
        var firstLevel = firstBin >> SecondLevelIndexLog2;
        Debug.Assert(firstLevel < FirstLevelCount, "requests are at most the capacity, at most 2^62 bytes");
        // A uint shift uses the count's low 5 bits, so shifting by the bin shifts by its sl (bin & 31).
        var secondLevelMap = SecondLevelBitmap(firstLevel) & (uint.MaxValue << firstBin);
        var alignmentMask = ~(alignmentBytes - 1);
        var budget = BestFitScanLimit;
        ref var nodes = ref NodesBase();
        while (true)
        {
            // The next non-empty class: in this first level if its map has one left, else the first of the next
            // non-empty first level. Both are computed and one is chosen with masks, not a branch: whether the
            // request's own first level still has a class is random per request, and so was the branch's
            // prediction. (Masks, because the JIT does not turn conditionals inside a loop into conditional moves.)
            // firstLevel + 1 <= FirstLevelCount < 64, so the shift is in range; the trailing-zero count is 64 when
            // no first level is left, and 64 & 63 = 0 keeps the read in range while its mask clears it.
            var firstLevelMap = _firstLevelBitmap & (ulong.MaxValue << (firstLevel + 1));
            var nextFirstLevel = BitOperations.TrailingZeroCount(firstLevelMap);
            var nextSecondLevelMap = SecondLevelBitmap(nextFirstLevel & 63) & (uint)((nextFirstLevel >> 6) - 1);
            var moveMask = (int)(((long)secondLevelMap - 1) >> 63); // all ones when this first level has none left
            firstLevel ^= (firstLevel ^ nextFirstLevel) & moveMask;
            secondLevelMap |= nextSecondLevelMap & (uint)moveMask;
            if (secondLevelMap == 0)
            {
                return NoNode;
            }

            var bin = (firstLevel * SecondLevelCount) + BitOperations.TrailingZeroCount(secondLevelMap);
            secondLevelMap &= secondLevelMap - 1;
            var best = NoNode;
            var bestSizeBytes = long.MaxValue;
            for (var node = BinHead(bin); node != NoNode;)
            {
                if (--budget < 0)
                {
                    return best == NoNode ? ScanGaveUp : best;
                }

                ref var candidate = ref At(ref nodes, node);
                var alignedBytes = (candidate.OffsetBytes + alignmentBytes - 1) & alignmentMask;
                if (alignedBytes + roundedBytes <= candidate.OffsetBytes + candidate.SizeBytes && candidate.SizeBytes < bestSizeBytes)
                {
                    if (candidate.SizeBytes == roundedBytes)
                    {
                        return node; // exact: nothing can fit better
                    }

                    best = node;
                    bestSizeBytes = candidate.SizeBytes;
                }

                node = candidate.NextFree;
            }

            if (best != NoNode)
            {
                return best;
            }
        }
    }

    /// <summary>After <see cref="FindBestFit"/> gave up: the O(1) good fit, then, if
    /// <paramref name="exhaustive"/>, the complete scan.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int FindFallback(long roundedBytes, long alignmentBytes, bool exhaustive)
    {
        var node = FindGoodFit(roundedBytes + alignmentBytes - GranularityBytes);
        return node == NoNode && exhaustive ? FindAnyFit(roundedBytes, alignmentBytes) : node;
    }

    /// <summary>
    /// The head of the smallest non-empty class whose every range is at least <paramref name="neededBytes"/>
    /// (the paper's mapping_search + find_suitable_block), or <see cref="NoNode"/>. O(1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindGoodFit(long neededBytes)
    {
        var granules = neededBytes >> GranularityLog2;
        int firstLevel;
        int secondLevel;
        if (granules < SecondLevelCount)
        {
            firstLevel = 0;
            secondLevel = (int)granules;
        }
        else
        {
            // Round up to the next class start, so any range in the class found is large enough.
            granules += (1L << (BitOperations.Log2((ulong)granules) - SecondLevelIndexLog2)) - 1;
            var log2 = BitOperations.Log2((ulong)granules);
            firstLevel = log2 - SecondLevelIndexLog2 + 1;
            secondLevel = (int)(granules >> (log2 - SecondLevelIndexLog2)) - SecondLevelCount;
            if (firstLevel >= FirstLevelCount)
            {
                return NoNode;
            }
        }

        var secondLevelMap = SecondLevelBitmap(firstLevel) & (uint.MaxValue << secondLevel);
        if (secondLevelMap == 0)
        {
            // firstLevel + 1 <= FirstLevelCount < 64, so the shift is in range.
            var firstLevelMap = _firstLevelBitmap & (ulong.MaxValue << (firstLevel + 1));
            if (firstLevelMap == 0)
            {
                return NoNode;
            }

            firstLevel = BitOperations.TrailingZeroCount(firstLevelMap);
            secondLevelMap = SecondLevelBitmap(firstLevel);
        }

        return BinHead((firstLevel * SecondLevelCount) + BitOperations.TrailingZeroCount(secondLevelMap));
    }

    /// <summary>
    /// Slow path after the good fit found nothing: the first range, in class order from the request's own
    /// class up, that holds <paramref name="roundedBytes"/> at an offset aligned to
    /// <paramref name="alignmentBytes"/>, or <see cref="NoNode"/>. O(number of free ranges in those classes).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int FindAnyFit(long roundedBytes, long alignmentBytes)
    {
        // Ranges in classes below the request's own class are smaller than the request.
        var (firstLevel, secondLevel) = ClassOf(roundedBytes);
        if (firstLevel >= FirstLevelCount)
        {
            return NoNode;
        }

        var secondLevelMap = SecondLevelBitmap(firstLevel) & (uint.MaxValue << secondLevel);
        while (true)
        {
            while (secondLevelMap != 0)
            {
                var bin = (firstLevel * SecondLevelCount) + BitOperations.TrailingZeroCount(secondLevelMap);
                secondLevelMap &= secondLevelMap - 1;
                for (var node = BinHead(bin); node != NoNode; node = Node(node).NextFree)
                {
                    ref var candidate = ref Node(node);
                    var alignedBytes = (candidate.OffsetBytes + alignmentBytes - 1) & ~(alignmentBytes - 1);
                    if (alignedBytes + roundedBytes <= candidate.OffsetBytes + candidate.SizeBytes)
                    {
                        return node;
                    }
                }
            }

            var firstLevelMap = _firstLevelBitmap & (ulong.MaxValue << (firstLevel + 1));
            if (firstLevelMap == 0)
            {
                return NoNode;
            }

            firstLevel = BitOperations.TrailingZeroCount(firstLevelMap);
            secondLevelMap = SecondLevelBitmap(firstLevel);
        }
    }

    /// <summary>Files the free node at the head of its class's list and sets the bitmap bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void InsertFree(int node) => InsertFree(ref NodesBase(), node);

    /// <summary>As <see cref="InsertFree(int)"/>, from a base <see cref="NodesBase"/> returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void InsertFree(ref TlsfNode nodes, int node)
    {
        ref var freeNode = ref At(ref nodes, node);
        Debug.Assert(freeNode.State == TlsfNodeState.Free, "only free ranges are filed");
        var bin = BinOf(freeNode.SizeBytes);
        var firstLevel = bin >> SecondLevelIndexLog2;
        ref var binHead = ref BinHead(bin);
        var head = binHead;

        // Without a branch: an empty list has no head to link back, and the write goes to the node itself,
        // whose link is set just after.
        At(ref nodes, OrIfNoNode(head, node)).PreviousFree = node;
        freeNode.Bin = bin;
        freeNode.PreviousFree = NoNode;
        freeNode.NextFree = head;
        binHead = node;
        _firstLevelBitmap |= 1UL << firstLevel;
        SecondLevelBitmap(firstLevel) |= 1U << bin; // shifts of a uint use the low 5 bits: bin & 31 = sl
        _freeRangeCount++;
    }

    /// <summary>Unlinks the free node from its class's list, clearing bitmap bits when the list empties.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RemoveFree(ref TlsfNode nodes, int node) => RemoveFreeIf(ref nodes, node, -1);

    /// <summary>
    /// As <see cref="RemoveFree"/> when <paramref name="mask"/> is all ones; when it is 0 (the node is used,
    /// or the scratch node) changes nothing: its writes go to the scratch node and its bitmap and count updates
    /// are masked out. For <see cref="FreeCore"/>, which must not branch on whether a neighbour is free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RemoveFreeIf(ref TlsfNode nodes, int node, int mask)
    {
        ref var freeNode = ref At(ref nodes, node);
        Debug.Assert(mask == 0 || freeNode.State == TlsfNodeState.Free, "only free ranges are on the lists");
        var previous = freeNode.PreviousFree;
        var next = freeNode.NextFree;
        var bin = freeNode.Bin; // a used node's is stale but a real class (0 if never free), so in range
        Debug.Assert(mask == 0 || previous != NoNode || BinHead(bin) == node, "a node without a previous is its list's head");

        // Without branches, as whether a node has list neighbours, and whether its class (and first level)
        // empties, is random per request, and these branches were mispredicted often. A missing neighbour's
        // write goes to the node itself, whose links are stale from here on; the head is rewritten with itself
        // unless the node was the head. Links are NoNode (-1) or non-negative, so their sign bit says "none".
        At(ref nodes, Select(mask, OrIfNoNode(next, node), ScratchNode)).PreviousFree = previous;
        At(ref nodes, Select(mask, OrIfNoNode(previous, node), ScratchNode)).NextFree = next;
        var wasHeadMask = (previous >> 31) & mask; // all ones when the node was its list's head
        ref var binHead = ref BinHead(bin);
        binHead ^= (binHead ^ next) & wasHeadMask;
        var emptied = (uint)(wasHeadMask & next) >> 31; // 1 when it was the head and the last

        // A uint shift uses the count's low 5 bits, so shifting by the bin shifts by its sl. When nothing was
        // unlinked the class's map is unchanged, and a first level whose map is 0 has its bit clear already.
        var firstLevel = bin >> SecondLevelIndexLog2;
        ref var secondLevelMap = ref SecondLevelBitmap(firstLevel);
        secondLevelMap &= ~(emptied << bin);
        _firstLevelBitmap &= ~((secondLevelMap == 0 ? 1UL : 0UL) << firstLevel);

        // The links are left stale: a used node never reads them, and InsertFree and ReleaseNode overwrite them.
        _freeRangeCount += mask;
    }

    /// <summary><paramref name="link"/>, or <paramref name="fallback"/> when it is <see cref="NoNode"/>, without a
    /// branch (links are NoNode or non-negative, so the sign bit tells them apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OrIfNoNode(int link, int fallback) => link ^ ((link ^ fallback) & (link >> 31));
}
