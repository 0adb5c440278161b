using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Units;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>Textures and buffers from a ResourceHeap: placement, blocks from the budget, dedicated blocks,
/// Trim, MinBlocks/MaxBlocks, refusals, the empty-block reclaimer and Dispose.</summary>
public sealed class ResourceHeapAllocationTests
{
    private static readonly TextureDescriptor Uhd4KRenderTarget =
        new(3840, 2160, PixelFormat.BGRA8Unorm, usage: TextureUsage.ShaderRead | TextureUsage.RenderTarget);

    [Fact]
    public void Texture4K_IsPlacedAtItsRequiredAlignment_AndSizedByTheDescriptor()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 64 * MiB);
        using var nudge = heap.AllocateBuffer(1000, 16);

        using var texture = heap.AllocateTexture(Uhd4KRenderTarget, name: "frame");

        Assert.Equal(3840L * 4 * 2160, Uhd4KRenderTarget.TotalSizeBytes);
        Assert.Equal(64 * KiB, Uhd4KRenderTarget.RequiredAlignmentBytes);
        Assert.True(texture.OffsetBytes % Uhd4KRenderTarget.RequiredAlignmentBytes == 0, $"4K texture at offset {texture.OffsetBytes}");
        Assert.True(texture.OffsetBytes >= 1000, $"4K texture at offset {texture.OffsetBytes} overlaps the 1000-byte buffer at {nudge.OffsetBytes}");
        Assert.Equal(Uhd4KRenderTarget.TotalSizeBytes, texture.SizeBytes);
        Assert.Same(Uhd4KRenderTarget, texture.Descriptor);
        Assert.Equal("frame", texture.Name);
        Assert.Equal(nudge.BlockIndex, texture.BlockIndex);
    }

    [Fact]
    public void SmallTexture_UsesTheSmallPlacementAlignment()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var thumbnail = new TextureDescriptor(64, 64, PixelFormat.R8Unorm);
        using var nudge = heap.AllocateBuffer(100, 1);

        using var texture = heap.AllocateTexture(thumbnail);

        Assert.Equal(4 * KiB, thumbnail.RequiredAlignmentBytes);
        Assert.True(texture.OffsetBytes % (4 * KiB) == 0 && texture.OffsetBytes > 0, $"64×64 R8 texture at offset {texture.OffsetBytes}");
        Assert.Equal(thumbnail.TotalSizeBytes, texture.SizeBytes);
    }

    [Fact]
    public void Buffers_AreAlignedAsRequested_AndDefaultTo256Bytes()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 4 * MiB);
        var live = new List<HeapAllocation>();
        for (var log2 = 0; log2 <= 16; log2++)
        {
            live.Add(heap.AllocateBuffer(1 + (log2 * 37), 1));
            var alignment = 1L << log2;
            var buffer = heap.AllocateBuffer(1000, alignment);
            Assert.True(buffer.OffsetBytes % alignment == 0, $"buffer aligned to {alignment} at offset {buffer.OffsetBytes}");
            live.Add(buffer);
        }

        live.Add(heap.AllocateBuffer(3, 1));
        var byDefault = heap.AllocateBuffer(1000);
        Assert.True(byDefault.OffsetBytes % ResourceHeap.DefaultBufferAlignmentBytes == 0, $"default-aligned buffer at offset {byDefault.OffsetBytes}");
        live.Add(byDefault);
        AssertIntegrity(heap, budget, "after aligned buffers");
        foreach (var allocation in live)
        {
            allocation.Dispose();
        }
    }

    [Fact]
    public void Blocks_AreReservedFromTheBudgetUnderTheHeapsCategory()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        Assert.Equal(0, heap.BlockCount);
        Assert.Equal(0, budget.UsedBytes);

        var live = Enumerable.Range(0, 5).Select(_ => heap.AllocateBuffer(600 * KiB)).ToList();

        Assert.Equal(5, heap.BlockCount);
        Assert.Equal(5 * MiB, budget.GetUsedBytes(Category));
        Assert.Equal(budget.GetUsedBytes(Category), budget.UsedBytes);
        Assert.Equal(0, budget.GetUsedBytes(AllocationCategory.CacheTextures));
        var stats = AssertIntegrity(heap, budget, "five blocks");
        Assert.Equal(5 * MiB, stats.BlockBytes);
        live.ForEach(a => a.Dispose());
    }

    [Fact]
    public void OversizedRequest_GetsADedicatedBlock_ReleasedWhenItIsFreed()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        using var small = heap.AllocateBuffer(1000);
        var oversizedBytes = (3 * MiB) + 1;

        var big = heap.AllocateBuffer(oversizedBytes, 64 * KiB, name: "big");

        var dedicatedBytes = 3 * MiB + (64 * KiB); // rounded up to the native block's 64 KiB base alignment
        var stats = AssertIntegrity(heap, budget, "with a dedicated block");
        var dedicated = Assert.Single(stats.Blocks, b => b.Dedicated);
        Assert.Equal(dedicatedBytes, dedicated.SizeBytes);
        Assert.Equal(big.BlockIndex, dedicated.Index);
        Assert.Equal(0, big.OffsetBytes);
        Assert.Equal(1 * MiB + dedicatedBytes, budget.GetUsedBytes(Category));

        heap.Free(big);

        Assert.Equal(1, heap.BlockCount);
        Assert.Equal(1 * MiB, budget.GetUsedBytes(Category));
        AssertIntegrity(heap, budget, "after freeing the dedicated allocation");
    }

    [Fact]
    public void Trim_GivesBackEmptyBlocksBeyondMinBlocks()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 1);
        var live = Enumerable.Range(0, 4).Select(_ => heap.AllocateBuffer(700 * KiB)).ToList();
        Assert.Equal(4, heap.BlockCount);
        live[1].Dispose();
        live[3].Dispose();

        var trimmed = heap.Trim();

        Assert.Equal(2 * MiB, trimmed);
        Assert.Equal(2, heap.BlockCount);
        Assert.Equal(2 * MiB, budget.GetUsedBytes(Category));
        live[0].Dispose();
        live[2].Dispose();
        Assert.Equal(1 * MiB, heap.Trim());
        Assert.Equal(1, heap.BlockCount);
        Assert.Equal(0, heap.Trim());
        Assert.Equal(1 * MiB, budget.GetUsedBytes(Category));
        AssertIntegrity(heap, budget, "trimmed to MinBlocks");
    }

    [Fact]
    public void MinBlocks_AreReservedUpFront()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 2 * MiB, minBlocks: 3);

        Assert.Equal(3, heap.BlockCount);
        Assert.Equal(6 * MiB, budget.GetUsedBytes(Category));
        var stats = AssertIntegrity(heap, budget, "MinBlocks up front");
        Assert.All(stats.Blocks, b => Assert.Equal([new TlsfRange(0, 2 * MiB)], b.FreeRanges));
    }

    [Fact]
    public void WhenMinBlocksDoNotFitTheBudget_TheConstructorThrows_AndReleasesWhatItReserved()
    {
        var budget = new MemoryBudget(3 * MiB);

        Assert.Throws<MemoryBudgetExceededException>(() => NewHeap(budget, blockSizeBytes: 2 * MiB, minBlocks: 2));

        // ResourceHeap.cs, constructor: the blocks made before the refusal are neither destroyed nor released.
        Assert.True(budget.UsedBytes == 0,
            $"BUG (ResourceHeap.cs constructor): a refused MinBlocks reservation leaks the blocks already made: budget still holds {budget.UsedBytes} bytes");
    }

    [Fact]
    public void MaxBlocks_IsRespected_ForOrdinaryAndDedicatedRequests()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, maxBlocks: 2);
        using var a = heap.AllocateBuffer(1 * MiB);
        using var b = heap.AllocateBuffer(1 * MiB);

        Assert.False(heap.TryAllocateBuffer(1000, 256, out var refused));
        Assert.Equal(default, refused);
        Assert.False(heap.TryAllocateBuffer(3 * MiB, 256, out _));
        var error = Assert.Throws<MemoryBudgetExceededException>(() => heap.AllocateBuffer(1000));
        Assert.Contains("its 2 blocks (MaxBlocks)", error.Message, StringComparison.Ordinal);
        Assert.Equal(RefusalReason.BlockLimit, error.Reason); // not the budget's: it had ~1 GiB free
        Assert.Equal((1 * MiB, AllocationCategory.WorkingTextures), (error.RequestedBytes, error.Category));
        Assert.Equal(budget.LimitBytes, error.LimitBytes);
        Assert.Equal(2, heap.BlockCount);
        Assert.Equal(2 * MiB, budget.UsedBytes);
    }

    [Fact]
    public void WhenTheBudgetRefuses_TryReturnsFalse_AndAllocateThrowsAUsefulMessage()
    {
        var budget = new MemoryBudget(2 * MiB);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, name: "tiles");
        using var a = heap.AllocateBuffer(1 * MiB);
        using var b = heap.AllocateBuffer(1 * MiB);

        Assert.False(heap.TryAllocateBuffer(4096, 256, out var none));
        Assert.Equal(default, none);
        Assert.False(heap.TryAllocateTexture(new TextureDescriptor(64, 64, PixelFormat.R8Unorm), out _));
        var error = Assert.Throws<MemoryBudgetExceededException>(() => heap.AllocateBuffer(5000));
        Assert.Contains("'tiles'", error.Message, StringComparison.Ordinal);
        Assert.Contains("5000 bytes", error.Message, StringComparison.Ordinal);
        // The refusal's properties are the budget's for the block the heap asked for (they used to be defaults,
        // which read as "larger than the whole limit" for a request that fits once memory is freed).
        Assert.Equal(RefusalReason.ReclaimInsufficient, error.Reason);
        Assert.Equal((1 * MiB, AllocationCategory.WorkingTextures, 0L, 2 * MiB), (error.RequestedBytes, error.Category, error.AvailableBytes, error.LimitBytes));
        var textureError = Assert.Throws<MemoryBudgetExceededException>(() => heap.AllocateTexture(Uhd4KRenderTarget));
        Assert.Contains(Uhd4KRenderTarget.TotalSizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), textureError.Message, StringComparison.Ordinal);
        Assert.Equal(2, heap.BlockCount);
        Assert.Equal(2 * MiB, budget.UsedBytes);
        AssertIntegrity(heap, budget, "after refusals");
    }

    [Fact]
    public void EmptyBlocks_AreTakenByAHigherPriorityReservation_NotByALowerOne()
    {
        var budget = new MemoryBudget(4 * MiB);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 1);
        var live = Enumerable.Range(0, 4).Select(_ => heap.AllocateBuffer(1 * MiB)).ToList();
        live[2].Dispose();
        live[3].Dispose();
        Assert.Equal(4, heap.BlockCount);

        Assert.False(budget.TryReserve(1 * MiB, AllocationCategory.CacheTextures, Priority.Low, out _));
        Assert.Equal(4, heap.BlockCount);

        Assert.True(budget.TryReserve(2 * MiB, AllocationCategory.Effects, Priority.High, out var effects),
            $"High-priority 2 MiB refused; heap holds {heap.BlockCount} blocks, budget used {budget.UsedBytes}");
        Assert.Equal(2, heap.BlockCount);
        Assert.Equal(2 * MiB, budget.GetUsedBytes(Category));
        AssertIntegrity(heap, budget, "after reclaim");
        Assert.True(live[0].IsLive && live[1].IsLive, "live allocations survive the reclaim");
        effects.Dispose();
        live[0].Dispose();
        live[1].Dispose();
    }

    [Fact]
    public void EmptyBlockReclaimer_KeepsMinBlocks()
    {
        var budget = new MemoryBudget(3 * MiB);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 2);
        var live = Enumerable.Range(0, 3).Select(_ => heap.AllocateBuffer(1 * MiB)).ToList();
        live.ForEach(a => a.Dispose());
        Assert.Equal(3, heap.BlockCount);

        Assert.True(budget.TryReserve(1 * MiB, AllocationCategory.Effects, Priority.High, out var effects),
            $"High-priority 1 MiB refused with one empty block beyond MinBlocks; heap holds {heap.BlockCount} blocks");
        Assert.False(budget.TryReserve(1 * MiB, AllocationCategory.Effects, Priority.High, out _),
            $"a second 1 MiB was granted: the heap went below MinBlocks ({heap.BlockCount} blocks)");

        Assert.Equal(2, heap.BlockCount);
        AssertIntegrity(heap, budget, "after reclaim down to MinBlocks");
        effects.Dispose();
    }

    [Fact]
    public void Dispose_ReleasesEveryBlock_AndMakesEveryHandleStale()
    {
        var budget = new MemoryBudget(1L << 30);
        var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 1);
        var buffer = heap.AllocateBuffer(700 * KiB);
        var other = heap.AllocateBuffer(700 * KiB);
        var dedicated = heap.AllocateBuffer(2 * MiB);
        var aliasable = heap.AllocateBuffer(64 * KiB, aliasable: true);
        var alias = heap.AllocateAliased(1000, aliasable);
        Assert.True(budget.UsedBytes > 0);

        heap.Dispose();

        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, heap.BlockCount);
        foreach (var handle in new[] { buffer, other, dedicated, aliasable, alias })
        {
            Assert.False(handle.IsLive);
            Assert.Throws<ObjectDisposedException>(() => handle.OffsetBytes);
            Assert.Throws<ObjectDisposedException>(() => { using var lease = handle.Lease(); });
            handle.Dispose();
            Assert.Throws<InvalidOperationException>(() => heap.Free(handle));
        }

        Assert.Throws<ObjectDisposedException>(() => heap.AllocateBuffer(16));
        Assert.Throws<ObjectDisposedException>(() => heap.Defragment());
        heap.Dispose();
        Assert.Equal(0, budget.UsedBytes);

        // The reclaimer is gone with the heap: nothing to ask, nothing reported.
        Assert.True(budget.TryReserve(1L << 30, AllocationCategory.Effects, Priority.High, out var all));
        all.Dispose();
    }

    [Fact]
    public void DisposeRefusedWhileLeased_LeavesTheHeapWorking_IncludingItsEmptyBlockReclaimer()
    {
        var budget = new MemoryBudget(3 * MiB);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var held = heap.AllocateBuffer(1000);
        var emptied = new[] { heap.AllocateBuffer(1 * MiB), heap.AllocateBuffer(1 * MiB) };
        Array.ForEach(emptied, a => a.Dispose());
        Assert.Equal(3, heap.BlockCount);

        using (held.Lease())
        {
            Assert.Throws<InvalidOperationException>(heap.Dispose);
        }

        Assert.True(held.IsLive);
        Assert.Equal(3 * MiB, budget.UsedBytes);

        // ResourceHeap.cs Dispose: _reclaimerRegistration is disposed before the lease check, so a refused
        // Dispose leaves a live heap whose empty blocks the budget can no longer reclaim.
        Assert.True(budget.TryReserve(2 * MiB, AllocationCategory.Effects, Priority.High, out var effects),
            $"BUG (ResourceHeap.cs Dispose): after a Dispose refused for a lease, the heap's 2 empty blocks are no longer reclaimable " +
            $"(heap holds {heap.BlockCount} blocks, budget used {budget.UsedBytes} of {budget.LimitBytes})");
        effects.Dispose();
    }

    [Fact]
    public void InExistingBlocks_UsesTheRoomThereIs_ButNeverReservesABlockOrCountsARefusal()
    {
        var budget = new MemoryBudget(4 * MiB);
        using var heap = NewHeap(budget, blockSizeBytes: 4 * MiB, reclaimEmptyBlocks: false);

        Assert.False(heap.TryAllocateBufferInExistingBlocks(1 * MiB, 256, out _)); // no block yet
        Assert.Equal(0, heap.BlockCount);
        Assert.Equal(0, budget.UsedBytes);

        using var first = heap.AllocateBuffer(3 * MiB);
        Assert.True(heap.TryAllocateBufferInExistingBlocks(1 * MiB, 256, out var second)); // the rest of the block
        Assert.Equal(1, heap.BlockCount);

        Assert.False(heap.TryAllocateBufferInExistingBlocks(1 * MiB, 256, out _)); // full, budget full too
        Assert.Equal(0, budget.GetSnapshot().Refusals);
        Assert.False(heap.TryAllocateBuffer(1 * MiB, 256, out _)); // the ordinary form asks for a block
        Assert.Equal(1, budget.GetSnapshot().Refusals);
        second.Dispose();
    }
}
