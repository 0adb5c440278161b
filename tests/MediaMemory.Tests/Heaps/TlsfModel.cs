using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>
/// The simplest allocator model that can judge a <see cref="Tlsf"/>: a sorted list of live intervals. Gaps
/// between them are the free ranges; a request fits when some gap holds it at an aligned offset. Knows the
/// allocator's only published rule (sizes round up to <see cref="Tlsf.GranularityBytes"/>), nothing else.
/// </summary>
internal sealed class TlsfModel(long capacityBytes)
{
    private readonly List<TlsfAllocation> _live = [];

    public long CapacityBytes { get; } = capacityBytes;

    public IReadOnlyList<TlsfAllocation> Live => _live;

    public long UsedBytes => _live.Sum(a => a.SizeBytes);

    public static long RoundToGranularity(long sizeBytes) =>
        (sizeBytes + Tlsf.GranularityBytes - 1) / Tlsf.GranularityBytes * Tlsf.GranularityBytes;

    public static long AlignUp(long valueBytes, long alignmentBytes) => (valueBytes + alignmentBytes - 1) / alignmentBytes * alignmentBytes;

    /// <summary>The largest request size that fits one of <paramref name="ranges"/> at <paramref name="alignmentBytes"/>.</summary>
    public static long BruteForceMaxAvailable(IEnumerable<TlsfRange> ranges, long alignmentBytes)
    {
        var best = 0L;
        foreach (var range in ranges)
        {
            var usable = range.EndBytes - AlignUp(range.OffsetBytes, alignmentBytes);
            best = Math.Max(best, usable / Tlsf.GranularityBytes * Tlsf.GranularityBytes);
        }

        return best;
    }

    public List<TlsfRange> Gaps()
    {
        var gaps = new List<TlsfRange>();
        var cursor = 0L;
        foreach (var allocation in _live)
        {
            if (allocation.OffsetBytes > cursor)
            {
                gaps.Add(new TlsfRange(cursor, allocation.OffsetBytes - cursor));
            }

            cursor = allocation.EndBytes;
        }

        if (cursor < CapacityBytes)
        {
            gaps.Add(new TlsfRange(cursor, CapacityBytes - cursor));
        }

        return gaps;
    }

    public bool Fits(long sizeBytes, long alignmentBytes)
    {
        var rounded = RoundToGranularity(sizeBytes);
        return sizeBytes <= CapacityBytes && Gaps().Any(g => AlignUp(g.OffsetBytes, alignmentBytes) + rounded <= g.EndBytes);
    }

    /// <summary>Checks the new allocation against the request and every live interval, then records it.</summary>
    public void Add(TlsfAllocation allocation, long requestedBytes, long alignmentBytes)
    {
        Assert.True(allocation.IsIssued, $"{allocation} has generation 0");
        Assert.True(allocation.OffsetBytes % alignmentBytes == 0, $"{allocation} is not aligned to {alignmentBytes}");
        Assert.Equal(RoundToGranularity(requestedBytes), allocation.SizeBytes);
        Assert.True(allocation.OffsetBytes >= 0 && allocation.EndBytes <= CapacityBytes, $"{allocation} leaves [0, {CapacityBytes})");
        var index = _live.FindIndex(a => a.OffsetBytes > allocation.OffsetBytes);
        index = index < 0 ? _live.Count : index;
        Assert.True(index == 0 || _live[index - 1].EndBytes <= allocation.OffsetBytes, $"{allocation} overlaps {(index > 0 ? _live[index - 1] : default)}");
        Assert.True(index == _live.Count || allocation.EndBytes <= _live[index].OffsetBytes, $"{allocation} overlaps {(index < _live.Count ? _live[index] : default)}");
        _live.Insert(index, allocation);
    }

    public void Remove(TlsfAllocation allocation) => Assert.True(_live.Remove(allocation), $"{allocation} was not live in the model");

    /// <summary>Statistics, dumps and exact maximum sizes of <paramref name="tlsf"/> against the model.</summary>
    public void AssertMatches(Tlsf tlsf, long extraAlignmentBytes)
    {
        tlsf.CheckIntegrity();
        var gaps = Gaps();
        var used = UsedBytes;
        var free = CapacityBytes - used;
        var largest = gaps.Count == 0 ? 0 : gaps.Max(g => g.SizeBytes);
        var expected = new TlsfStatistics(CapacityBytes, used, free, _live.Count, gaps.Count, largest, free == 0 ? 0.0 : 1.0 - ((double)largest / free));
        Assert.Equal(expected, tlsf.GetStatistics());
        Assert.Equal(gaps, tlsf.GetFreeRanges());
        Assert.Equal(_live, tlsf.GetAllocations());
        foreach (var alignment in (long[])[1, 16, 256, 4096, Tlsf.MaxAlignmentBytes, extraAlignmentBytes])
        {
            var exact = BruteForceMaxAvailable(gaps, alignment);
            Assert.True(exact == tlsf.MaxAvailableSize(alignment), $"MaxAvailableSize({alignment}) = {tlsf.MaxAvailableSize(alignment)}, brute force over the gaps says {exact}");
        }
    }
}
