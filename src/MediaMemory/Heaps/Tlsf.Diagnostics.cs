using System.Numerics;
using MediaMemory.Heaps.Internals;

namespace MediaMemory.Heaps;

/// <summary>Queries: exact largest request, statistics, dumps of ranges, and the integrity check.</summary>
public sealed partial class Tlsf
{
    /// <summary>
    /// The largest size s, in bytes, such that <see cref="TryAllocate"/>(s, <paramref name="alignmentBytes"/>)
    /// would succeed now; 0 if none would. Exact: for each free range, the bytes from its first aligned offset to
    /// its end, rounded down to <see cref="GranularityBytes"/>; the maximum over ranges.
    /// </summary>
    /// <param name="alignmentBytes">Alignment the request would ask for, in bytes; a power of two, 1 ..
    /// <see cref="MaxAlignmentBytes"/>.</param>
    /// <returns>Bytes; a multiple of <see cref="GranularityBytes"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alignmentBytes"/> is out of range.</exception>
    /// <remarks>Walks classes from the largest down and stops once a class cannot beat the best found, so it
    /// usually reads one or two lists; worst case O(number of free ranges). Allocates nothing.</remarks>
    public long MaxAvailableSize(long alignmentBytes)
    {
        ValidateAlignment(alignmentBytes);
        var effectiveAlignmentBytes = Math.Max(alignmentBytes, GranularityBytes);
        var bestBytes = 0L;
        var firstLevelMap = _firstLevelBitmap;
        while (firstLevelMap != 0)
        {
            var firstLevel = BitOperations.Log2(firstLevelMap);
            firstLevelMap &= ~(1UL << firstLevel);
            var secondLevelMap = _secondLevelBitmaps[firstLevel];
            while (secondLevelMap != 0)
            {
                var secondLevel = BitOperations.Log2(secondLevelMap);
                secondLevelMap &= ~(1U << secondLevel);

                // Every range in this and every lower class is shorter than the class's end; once that end
                // (rounded down to a granule) cannot beat the best, nothing below can either.
                var classEndBytes = ClassLowerBoundBytes(firstLevel, secondLevel) + ClassWidthBytes(firstLevel);
                if (classEndBytes - GranularityBytes <= bestBytes)
                {
                    return bestBytes;
                }

                for (var node = _binHeads[(firstLevel * SecondLevelCount) + secondLevel]; node != NoNode; node = _nodes[node].NextFree)
                {
                    ref var range = ref _nodes[node];
                    var alignedBytes = (range.OffsetBytes + effectiveAlignmentBytes - 1) & ~(effectiveAlignmentBytes - 1);
                    var fitBytes = (range.OffsetBytes + range.SizeBytes - alignedBytes) & ~(GranularityBytes - 1);
                    bestBytes = Math.Max(bestBytes, fitBytes);
                }
            }
        }

        return bestBytes;
    }

    /// <summary>A snapshot of used and free bytes, counts, the largest free range and fragmentation.</summary>
    /// <returns>A new snapshot. O(1) plus a walk of the largest non-empty class's list.</returns>
    public TlsfStatistics GetStatistics()
    {
        var freeBytes = CapacityBytes - _usedBytes;
        var largestBytes = LargestFreeRangeBytes();
        var fragmentation = freeBytes == 0 ? 0.0 : 1.0 - ((double)largestBytes / freeBytes);
        return new TlsfStatistics(CapacityBytes, _usedBytes, freeBytes, _allocationCount, _freeRangeCount, largestBytes, fragmentation);
    }

    /// <summary>Every free range in offset order (maximal: no two touch). For dumps and tests; allocates the result.</summary>
    /// <returns>A new list, owned by the caller.</returns>
    public IReadOnlyList<TlsfRange> GetFreeRanges()
    {
        var ranges = new TlsfRange[_freeRangeCount];
        var count = 0;
        for (var node = 0; node != NoNode; node = _nodes[node].NextPhysical)
        {
            ref var range = ref _nodes[node];
            if (range.State == TlsfNodeState.Free)
            {
                ranges[count++] = new TlsfRange(range.OffsetBytes, range.SizeBytes);
            }
        }

        return ranges;
    }

    /// <summary>Every live allocation in offset order. For dumps, tests and defragmentation; allocates the result.</summary>
    /// <returns>A new list, owned by the caller.</returns>
    public IReadOnlyList<TlsfAllocation> GetAllocations()
    {
        var allocations = new TlsfAllocation[_allocationCount];
        var count = 0;
        for (var node = 0; node != NoNode; node = _nodes[node].NextPhysical)
        {
            ref var range = ref _nodes[node];
            if (range.State == TlsfNodeState.Used)
            {
                allocations[count++] = new TlsfAllocation(range.OffsetBytes, range.SizeBytes, node, range.Generation);
            }
        }

        return allocations;
    }

    /// <summary>
    /// Walks every structure and throws <see cref="InvalidOperationException"/> describing the first broken
    /// invariant: ranges tile [0, capacity) in order with consistent links; no two free ranges touch; every free
    /// range is on the list of its class exactly once; bitmaps match the lists; counters match the ranges; the
    /// spare list holds exactly the spare slots. For tests and debugging; O(nodes).
    /// </summary>
    internal void CheckIntegrity()
    {
        var expectedOffsetBytes = 0L;
        var previous = NoNode;
        var usedBytes = 0L;
        var allocations = 0;
        var freeRanges = 0;
        var rangesSeen = 0;
        for (var node = 0; node != NoNode; node = _nodes[node].NextPhysical)
        {
            ref var range = ref _nodes[node];
            Require(range.State != TlsfNodeState.Spare, $"node {node} is on the physical chain but spare");
            Require(range.OffsetBytes == expectedOffsetBytes, $"node {node} starts at {range.OffsetBytes}, expected {expectedOffsetBytes}");
            Require(range.SizeBytes > 0, $"node {node} has size {range.SizeBytes}");
            Require(range.PreviousPhysical == previous, $"node {node} has previous {range.PreviousPhysical}, expected {previous}");
            Require(range.OffsetBytes % GranularityBytes == 0, $"node {node} offset {range.OffsetBytes} is not a multiple of the granularity");
            Require(range.Generation != 0, $"node {node} has generation 0");
            if (range.State == TlsfNodeState.Used)
            {
                usedBytes += range.SizeBytes;
                allocations++;
            }
            else
            {
                freeRanges++;
                Require(previous == NoNode || _nodes[previous].State != TlsfNodeState.Free, $"free nodes {previous} and {node} touch");
                var (firstLevel, secondLevel) = ClassOf(range.SizeBytes);
                var onList = false;
                for (var listed = _binHeads[(firstLevel * SecondLevelCount) + secondLevel]; listed != NoNode; listed = _nodes[listed].NextFree)
                {
                    onList |= listed == node;
                }

                Require(onList, $"free node {node} (size {range.SizeBytes}) is not on the list of class ({firstLevel}, {secondLevel})");
            }

            Require(range.SizeBytes % GranularityBytes == 0 || range.NextPhysical == NoNode, $"node {node} size {range.SizeBytes} is not whole granules and not last");
            expectedOffsetBytes += range.SizeBytes;
            previous = node;
            Require(++rangesSeen <= _nodeCount, "the physical chain has a cycle");
        }

        Require(expectedOffsetBytes == CapacityBytes, $"ranges end at {expectedOffsetBytes}, capacity is {CapacityBytes}");
        Require(usedBytes == _usedBytes, $"used bytes {_usedBytes}, ranges say {usedBytes}");
        Require(allocations == _allocationCount, $"allocation count {_allocationCount}, ranges say {allocations}");
        Require(freeRanges == _freeRangeCount, $"free range count {_freeRangeCount}, ranges say {freeRanges}");

        var listedFree = 0;
        for (var firstLevel = 0; firstLevel < FirstLevelCount; firstLevel++)
        {
            Require(((_firstLevelBitmap >> firstLevel) & 1) == (_secondLevelBitmaps[firstLevel] != 0 ? 1UL : 0UL), $"first-level bit {firstLevel} disagrees with its second-level map");
            for (var secondLevel = 0; secondLevel < SecondLevelCount; secondLevel++)
            {
                var head = _binHeads[(firstLevel * SecondLevelCount) + secondLevel];
                Require(((_secondLevelBitmaps[firstLevel] >> secondLevel) & 1) == (head != NoNode ? 1U : 0U), $"bit ({firstLevel}, {secondLevel}) disagrees with its list");
                var previousListed = NoNode;
                for (var listed = head; listed != NoNode; listed = _nodes[listed].NextFree)
                {
                    Require(_nodes[listed].State == TlsfNodeState.Free, $"listed node {listed} is not free");
                    Require(_nodes[listed].PreviousFree == previousListed, $"listed node {listed} has a wrong previous link");
                    Require(ClassOf(_nodes[listed].SizeBytes) == (firstLevel, secondLevel), $"node {listed} is on the wrong list");
                    Require(_nodes[listed].Bin == (firstLevel * SecondLevelCount) + secondLevel, $"node {listed} records bin {_nodes[listed].Bin}");
                    previousListed = listed;
                    Require(++listedFree <= _freeRangeCount, "the free lists hold more nodes than there are free ranges");
                }
            }
        }

        Require(listedFree == _freeRangeCount, $"the lists hold {listedFree} nodes, {_freeRangeCount} ranges are free");
        var spares = 0;
        for (var spare = _spareNodeHead; spare != NoNode; spare = _nodes[spare].NextFree)
        {
            Require(_nodes[spare].State == TlsfNodeState.Spare, $"spare list holds node {spare} that is not spare");
            Require(++spares <= _nodeCount, "the spare list has a cycle");
        }

        Require(spares == _spareNodeCount, $"spare count {_spareNodeCount}, list holds {spares}");
        Require(_nodes[ScratchNode].State == TlsfNodeState.Spare, "the scratch node is not spare");
        Require(spares + rangesSeen + 1 == _nodeCount, $"{spares} spare + {rangesSeen} ranges + the scratch node != {_nodeCount} slots");
    }

    private long LargestFreeRangeBytes()
    {
        if (_firstLevelBitmap == 0)
        {
            return 0;
        }

        var firstLevel = BitOperations.Log2(_firstLevelBitmap);
        var secondLevel = BitOperations.Log2(_secondLevelBitmaps[firstLevel]);
        var largestBytes = 0L;
        for (var node = _binHeads[(firstLevel * SecondLevelCount) + secondLevel]; node != NoNode; node = _nodes[node].NextFree)
        {
            largestBytes = Math.Max(largestBytes, _nodes[node].SizeBytes);
        }

        return largestBytes;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Tlsf integrity: " + message);
        }
    }
}
