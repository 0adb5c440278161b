using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Units;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>Bad input and misuse of handles: refused with the documented exception, and nothing is lost.</summary>
public sealed class ResourceHeapBadInputTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData((1L << 48) + 1)] // above the largest block
    [InlineData(long.MaxValue)] // used to overflow aligning the dedicated block: OverflowException, even from Try
    [InlineData(long.MaxValue - 1000)]
    public void SizeOutOfRange_IsRefused_NamingTheSize(long sizeBytes)
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);

        Assert.Equal("sizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateBuffer(sizeBytes)).ParamName);
        Assert.Equal("sizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => heap.TryAllocateBuffer(sizeBytes, 256, out _)).ParamName);
        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, heap.GetStatistics().AllocationCount);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-256L)]
    [InlineData(3L)]
    [InlineData(48L)]
    [InlineData(1000L)]
    [InlineData(128 * 1024L)]
    [InlineData(1L << 40)]
    public void AlignmentNotAPowerOfTwoUpTo64KiB_IsRefused_NamingTheAlignment(long alignmentBytes)
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateBuffer(4096, alignmentBytes));
        Assert.Equal("alignmentBytes", error.ParamName);
        Assert.Equal("alignmentBytes", Assert.Throws<ArgumentOutOfRangeException>(() => heap.TryAllocateBuffer(4096, alignmentBytes, out _)).ParamName);
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void MemorylessTexture_IsRefused_NamingTheDescriptor()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var memoryless = new TextureDescriptor(256, 256, PixelFormat.BGRA8Unorm, usage: TextureUsage.RenderTarget, storage: StorageMode.Memoryless);

        Assert.Equal("descriptor", Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateTexture(memoryless)).ParamName);
        Assert.Equal("descriptor", Assert.Throws<ArgumentOutOfRangeException>(() => heap.TryAllocateTexture(memoryless, out _)).ParamName);
        Assert.Throws<ArgumentNullException>(() => heap.AllocateTexture(null!));
        using var aliasable = heap.AllocateBuffer(1 * MiB, aliasable: true);
        Assert.Equal("descriptor", Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(memoryless, aliasable)).ParamName);
        Assert.Equal(0, AliasCountOf(aliasable));
    }

    [Fact]
    public void InvalidOptions_AreRefused_NamingTheOption()
    {
        var budget = new MemoryBudget(1L << 30);

        Assert.Equal("BlockSizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => NewHeap(budget, blockSizeBytes: (1 * MiB) + 1)).ParamName);
        Assert.Equal("BlockSizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => NewHeap(budget, blockSizeBytes: 32 * KiB)).ParamName);
        Assert.Equal("MinBlocks", Assert.Throws<ArgumentOutOfRangeException>(() => NewHeap(budget, minBlocks: -1)).ParamName);
        Assert.Equal("MaxBlocks", Assert.Throws<ArgumentOutOfRangeException>(() => NewHeap(budget, maxBlocks: -1)).ParamName);
        Assert.Equal("MinBlocks", Assert.Throws<ArgumentOutOfRangeException>(() => NewHeap(budget, minBlocks: 3, maxBlocks: 2)).ParamName);
        Assert.Equal(0, budget.UsedBytes);

        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        Assert.Equal("MaxMoves", Assert.Throws<ArgumentOutOfRangeException>(() => heap.Defragment(new DefragmentationOptions { MaxMoves = -1 })).ParamName);
        Assert.Equal("MaxBytesToMove", Assert.Throws<ArgumentOutOfRangeException>(() => heap.Defragment(new DefragmentationOptions { MaxBytesToMove = -1 })).ParamName);
    }

    [Fact]
    public void DoubleFreeThroughTheHeap_Throws_WhileDisposeOfAFreedHandleDoesNothing()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var allocation = heap.AllocateBuffer(4096);

        heap.Free(allocation);

        Assert.Throws<InvalidOperationException>(() => heap.Free(allocation));
        allocation.Dispose();
        allocation.Dispose();
        Assert.Equal(0, heap.GetStatistics().AllocationCount);
        AssertIntegrity(heap, budget, "after double free");
    }

    [Fact]
    public void DisposingTheHeapTwice_DoesNothing()
    {
        var budget = new MemoryBudget(1L << 30);
        var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 2);

        heap.Dispose();
        heap.Dispose();

        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void UseAfterFree_PropertiesAndLease_ThrowObjectDisposed()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var allocation = heap.AllocateTexture(new TextureDescriptor(64, 64, PixelFormat.BGRA8Unorm), aliasable: true, name: "t");
        var copy = allocation;

        allocation.Dispose();

        AssertStale(copy);
        Assert.Throws<ObjectDisposedException>(() => heap.AllocateAliased(16, copy));
    }

    [Fact]
    public void StaleHandle_AfterItsSlotIsReused_IsRefused_AndTheNewAllocationIsUntouched()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var old = heap.AllocateBuffer(4096, name: "old");
        heap.Free(old);

        var reused = heap.AllocateBuffer(8192, name: "new");
        Fill(reused, 7);

        Assert.NotEqual(old, reused);
        AssertStale(old);
        Assert.Throws<InvalidOperationException>(() => heap.Free(old));
        old.Dispose();
        Assert.True(reused.IsLive);
        Assert.Equal("new", reused.Name);
        AssertPattern(reused, 7, "after misuse of the stale handle");
        heap.Free(reused);
    }

    [Fact]
    public void DefaultHandle_IsNoAllocation()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        HeapAllocation none = default;

        Assert.Null(none.Heap);
        AssertStale(none);
        none.Dispose();
        Assert.Throws<InvalidOperationException>(() => heap.Free(none));
        Assert.Throws<InvalidOperationException>(() => heap.AllocateAliased(16, none));
    }

    [Fact]
    public void HandleOfAnotherHeap_IsRefused_AndStaysLiveInItsOwnHeap()
    {
        var budget = new MemoryBudget(1L << 30);
        using var first = NewHeap(budget, blockSizeBytes: 1 * MiB, name: "first");
        using var second = NewHeap(budget, blockSizeBytes: 1 * MiB, name: "second");
        var allocation = first.AllocateBuffer(4096, aliasable: true);

        Assert.Throws<InvalidOperationException>(() => second.Free(allocation));
        Assert.Throws<InvalidOperationException>(() => second.AllocateAliased(16, allocation));

        Assert.True(allocation.IsLive);
        Assert.Same(first, allocation.Heap);
        Assert.Equal(0, second.GetStatistics().AllocationCount);
        first.Free(allocation);
    }

    [Fact]
    public void FreeingALeasedAllocation_Throws_AndNothingIsLost()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var allocation = heap.AllocateBuffer(64 * KiB);
        Fill(allocation, 11);

        using (var lease = allocation.Lease())
        {
            Assert.Throws<InvalidOperationException>(() => heap.Free(allocation));
            Assert.Throws<InvalidOperationException>(allocation.Dispose);
            Assert.True(allocation.IsLive);
            Assert.Equal(-1, FirstMismatch(lease.Span, 11));
        }

        AssertPattern(allocation, 11, "after refused frees");
        var stats = AssertIntegrity(heap, budget, "after refused frees");
        Assert.Equal(1, stats.AllocationCount);
        heap.Free(allocation);
        Assert.False(allocation.IsLive);
    }

    [Fact]
    public void FreeingAnAllocationWithLiveAliases_Throws_AndNothingIsLost()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var baseAllocation = heap.AllocateBuffer(64 * KiB, aliasable: true);
        Fill(baseAllocation, 5);
        var alias = heap.AllocateAliased(4096, baseAllocation, 4096);

        Assert.Throws<InvalidOperationException>(() => heap.Free(baseAllocation));
        Assert.Throws<InvalidOperationException>(baseAllocation.Dispose);

        Assert.True(baseAllocation.IsLive && alias.IsLive);
        AssertPattern(baseAllocation, 5, "base after refused frees");
        AssertPattern(alias, 5, "alias after refused frees", startBytes: 4096);
        AssertIntegrity(heap, budget, "after refused frees");
        alias.Dispose();
        heap.Free(baseAllocation);
        Assert.Equal(0, heap.GetStatistics().AllocationCount);
    }

    private static void AssertStale(HeapAllocation handle)
    {
        Assert.False(handle.IsLive);
        Assert.Throws<ObjectDisposedException>(() => handle.OffsetBytes);
        Assert.Throws<ObjectDisposedException>(() => handle.SizeBytes);
        Assert.Throws<ObjectDisposedException>(() => handle.BlockIndex);
        Assert.Throws<ObjectDisposedException>(() => handle.Descriptor);
        Assert.Throws<ObjectDisposedException>(() => handle.Name);
        Assert.Throws<ObjectDisposedException>(() => handle.IsAliasable);
        Assert.Throws<ObjectDisposedException>(() => handle.IsAlias);
        Assert.Throws<ObjectDisposedException>(() => { using var lease = handle.Lease(); });
    }
}
