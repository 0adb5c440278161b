using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Units;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>Leases: the span is the allocation's bytes, writes persist, allocations never share bytes.</summary>
public sealed class ResourceHeapLeaseTests
{
    [Fact]
    public void LeaseSpan_IsExactlyTheAllocationsSize()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        using var odd = heap.AllocateBuffer(1001, 1);
        using var texture = heap.AllocateTexture(new TextureDescriptor(100, 30, PixelFormat.RGBA16Float, mipLevels: 3));
        using var dedicated = heap.AllocateBuffer((2 * MiB) + 3);

        foreach (var allocation in new[] { odd, texture, dedicated })
        {
            using var lease = allocation.Lease();
            Assert.Equal(allocation.SizeBytes, lease.Span.Length);
        }

        Assert.Equal(1001, odd.SizeBytes);
        Assert.Equal(texture.Descriptor!.TotalSizeBytes, texture.SizeBytes);
    }

    [Fact]
    public void Writes_PersistBetweenLeases()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        using var allocation = heap.AllocateBuffer(300 * KiB);

        Fill(allocation, 42);
        AssertPattern(allocation, 42, "second lease");
        AssertPattern(allocation, 42, "third lease");
        Fill(allocation, 43);
        AssertPattern(allocation, 43, "after rewrite");
    }

    [Fact]
    public void DistinctAllocations_NeverShareBytes()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var random = new Random(1234);
        var live = new List<(HeapAllocation Allocation, ulong Seed)>();
        for (var i = 0; i < 60; i++)
        {
            var allocation = heap.AllocateBuffer(random.Next(1, 200_000), 1L << random.Next(0, 17), name: $"b{i}");
            Fill(allocation, (ulong)i + 1000);
            live.Add((allocation, (ulong)i + 1000));
            if (i % 4 == 3)
            {
                var victim = random.Next(live.Count);
                live[victim].Allocation.Dispose();
                live.RemoveAt(victim);
            }
        }

        foreach (var (allocation, seed) in live)
        {
            AssertPattern(allocation, seed, $"allocation {allocation.Name}");
        }

        AssertIntegrity(heap, budget, "after writes");
        live.ForEach(x => x.Allocation.Dispose());
    }

    [Fact]
    public void Lease_IsShownInStatistics_AndDisposingItTwiceReleasesOnce()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var allocation = heap.AllocateBuffer(4096);
        var lease = allocation.Lease();
        var second = allocation.Lease();
        Assert.True(InfoOf(allocation).IsLeased);

        lease.Dispose();
        lease.Dispose();
        Assert.True(InfoOf(allocation).IsLeased, "the second lease is still held");
        Assert.Throws<InvalidOperationException>(() => heap.Free(allocation));

        second.Dispose();
        Assert.False(InfoOf(allocation).IsLeased);
        heap.Free(allocation);
    }

    [Fact]
    public void DisposingACopyOfAReleasedLease_IsRefused_AndTheNextLeaseStillPinsTheAllocation()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var allocation = heap.AllocateBuffer(4096);
        var lease = allocation.Lease();
        var copy = lease;
        lease.Dispose();

        LeaseAssert.DisposeIsRefused(ref copy);
        using (allocation.Lease())
        {
            // The count did not go below zero: the new lease pins the allocation, so it cannot be freed.
            Assert.Throws<InvalidOperationException>(() => heap.Free(allocation));
        }

        heap.Free(allocation);
    }

    [Fact]
    public void DisposingACopyOfAReleasedLease_WhileAnotherLeaseIsOpen_EndsNothing_AndTheOtherStillPins()
    {
        // With a count instead of ids, the copy ended the second lease: the allocation could then be freed or
        // moved under that lease's reader.
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var allocation = heap.AllocateBuffer(4096);
        var first = allocation.Lease();
        var second = allocation.Lease();
        var copy = first;
        first.Dispose();

        LeaseAssert.DisposeIsRefused(ref copy);
        Assert.Throws<InvalidOperationException>(() => heap.Free(allocation)); // the second lease still pins it
        Assert.Equal(1, heap.Defragment().SkippedLeased);
        second.Dispose();
        heap.Free(allocation);
    }
}
