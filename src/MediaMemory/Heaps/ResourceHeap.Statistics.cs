using MediaMemory.Internals;

namespace MediaMemory.Heaps;

/// <summary>Statistics: the block map and fragmentation.</summary>
public sealed partial class ResourceHeap
{
    /// <summary>
    /// Fragmentation of the heap's ordinary blocks: 1 − the largest free range in any block / the free
    /// bytes of all of them; 0 when nothing is free. Free memory split over several blocks counts as
    /// fragmented: one request can use only one range.
    /// </summary>
    public double Fragmentation
    {
        get
        {
            using (new SpinLockScope(ref _spin))
            {
                return FragmentationLocked();
            }
        }
    }

    /// <summary>Every block with its allocations and free ranges.</summary>
    public HeapStatistics GetStatistics()
    {
        using (new SpinLockScope(ref _spin))
        {
            var blocks = new List<HeapBlockStatistics>();
            long blockBytes = 0;
            long usedBytes = 0;
            for (var b = 0; b < _blocks.Count; b++)
            {
                if (_blocks[b] is not { } block)
                {
                    continue;
                }

                var stats = block.Allocator.GetStatistics();
                var allocations = new List<HeapAllocationInfo>();
                for (var i = 0; i < _slotsInitialized; i++)
                {
                    if (_slots[i].InUse && _slots[i].Block == b)
                    {
                        allocations.Add(DescribeSlot(_slots[i]));
                        usedBytes += _slots[i].AliasOf < 0 ? _slots[i].SizeBytes : 0;
                    }
                }

                allocations.Sort((x, y) => x.OffsetBytes != y.OffsetBytes ? x.OffsetBytes.CompareTo(y.OffsetBytes) : x.IsAlias.CompareTo(y.IsAlias));
                blockBytes += block.Memory.SizeBytes;
                blocks.Add(new HeapBlockStatistics(b, block.Memory.SizeBytes, block.Dedicated, stats.UsedBytes, stats.Fragmentation,
                    allocations, block.Allocator.GetFreeRanges()));
            }

            return new HeapStatistics(Name, Category, blockBytes, usedBytes, _liveAllocations, FragmentationLocked(), blocks);
        }
    }

    private double FragmentationLocked()
    {
        long totalFree = 0;
        long largest = 0;
        foreach (var block in _blocks)
        {
            if (block is { Dedicated: false })
            {
                var stats = block.Allocator.GetStatistics();
                totalFree += stats.FreeBytes;
                largest = Math.Max(largest, stats.LargestFreeRangeBytes);
            }
        }

        return totalFree == 0 ? 0 : 1 - ((double)largest / totalFree);
    }
}
