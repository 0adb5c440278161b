using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Units;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>Explicit aliasing: resources placed on an aliasable allocation's memory.</summary>
public sealed class ResourceHeapAliasingTests
{
    private static readonly TextureDescriptor RenderTarget1K =
        new(1024, 1024, PixelFormat.BGRA8Unorm, usage: TextureUsage.ShaderRead | TextureUsage.RenderTarget);

    private static readonly TextureDescriptor HalfResRenderTarget =
        new(512, 512, PixelFormat.RGBA16Float, usage: TextureUsage.RenderTarget);

    [Fact]
    public void BufferAlias_AtAnOffset_SeesAndWritesTheBasesBytes()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        using var nudge = heap.AllocateBuffer(100);
        var baseAllocation = heap.AllocateBuffer(256 * KiB, aliasable: true, name: "base");
        Fill(baseAllocation, 3);

        var alias = heap.AllocateAliased(10_000, baseAllocation, offsetBytes: 1000, name: "alias");

        Assert.True(alias.IsAlias);
        Assert.False(alias.IsAliasable);
        Assert.Equal(baseAllocation.BlockIndex, alias.BlockIndex);
        Assert.Equal(baseAllocation.OffsetBytes + 1000, alias.OffsetBytes);
        Assert.Equal(10_000, alias.SizeBytes);
        AssertPattern(alias, 3, "alias over the base's pattern", startBytes: 1000);

        Fill(alias, 4);
        using (var lease = baseAllocation.Lease())
        {
            Assert.Equal(-1, FirstMismatch(lease.Span.Slice(1000, 10_000), 4));
            Assert.Equal(-1, FirstMismatch(lease.Span[..1000], 3));
            Assert.Equal(-1, FirstMismatch(lease.Span[11_000..], 3, 11_000));
        }

        alias.Dispose();
        heap.Free(baseAllocation);
    }

    [Fact]
    public void TextureAlias_OverATexture_IsPlacedAtTheOffset_AndKeepsItsAlignment()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 16 * MiB);
        using var nudge = heap.AllocateBuffer(100);
        using var baseTexture = heap.AllocateTexture(RenderTarget1K, aliasable: true, name: "scene");

        using var alias = heap.AllocateAliased(HalfResRenderTarget, baseTexture, offsetBytes: 64 * KiB, name: "bloom");

        Assert.Same(HalfResRenderTarget, alias.Descriptor);
        Assert.Equal(HalfResRenderTarget.TotalSizeBytes, alias.SizeBytes);
        Assert.Equal(baseTexture.OffsetBytes + (64 * KiB), alias.OffsetBytes);
        Assert.True(alias.OffsetBytes % HalfResRenderTarget.RequiredAlignmentBytes == 0, $"alias at {alias.OffsetBytes}");
        Assert.Equal("offsetBytes", Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(HalfResRenderTarget, baseTexture, offsetBytes: 4 * KiB)).ParamName);
        var small = new TextureDescriptor(32, 32, PixelFormat.R8Unorm);
        using var smallAlias = heap.AllocateAliased(small, baseTexture, offsetBytes: 12 * KiB);
        Assert.True(smallAlias.OffsetBytes % (4 * KiB) == 0);
        Assert.Equal("offsetBytes", Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(small, baseTexture, offsetBytes: 100)).ParamName);
        Assert.Equal(2, AliasCountOf(baseTexture));
        smallAlias.Dispose();
        alias.Dispose();
    }

    [Fact]
    public void Alias_IsRefused_OverANonAliasableOrAnAlias_OrWhenItDoesNotFit()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 16 * MiB);
        using var plain = heap.AllocateBuffer(64 * KiB);
        using var aliasable = heap.AllocateTexture(RenderTarget1K, aliasable: true);
        using var alias = heap.AllocateAliased(1000, aliasable);

        Assert.Throws<InvalidOperationException>(() => heap.AllocateAliased(16, plain));
        Assert.Throws<InvalidOperationException>(() => heap.AllocateAliased(16, alias));
        Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(aliasable.SizeBytes + 1, aliasable));
        Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(new TextureDescriptor(2048, 1024, PixelFormat.BGRA8Unorm), aliasable));
        Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(1000, aliasable, offsetBytes: aliasable.SizeBytes - 999));
        Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(1000, aliasable, offsetBytes: -16));
        Assert.Equal("sizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(0, aliasable)).ParamName);

        Assert.Equal(1, AliasCountOf(aliasable));
        Assert.Equal(3, AssertIntegrity(heap, budget, "after refused aliases").AllocationCount);
        using var lastByte = heap.AllocateAliased(1000, aliasable, offsetBytes: aliasable.SizeBytes - 1000);
        alias.Dispose();
    }

    [Fact]
    public void AliasSet_IsShownInStatistics_AndNotCountedTwiceInUsedBytes()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 16 * MiB);
        var baseTexture = heap.AllocateTexture(RenderTarget1K, aliasable: true, name: "scene");
        var a = heap.AllocateAliased(HalfResRenderTarget, baseTexture, name: "a");
        var b = heap.AllocateAliased(4096, baseTexture, offsetBytes: 2 * MiB, name: "b");

        var stats = AssertIntegrity(heap, budget, "alias set");

        Assert.Equal(3, stats.AllocationCount);
        Assert.Equal(RenderTarget1K.TotalSizeBytes, stats.UsedBytes);
        var block = Assert.Single(stats.Blocks);
        Assert.Collection(
            block.Allocations,
            x => Assert.Equal(("scene", false, true, 2), (x.Name, x.IsAlias, x.IsAliasable, x.AliasCount)),
            x => Assert.Equal(("a", true, false, 0, baseTexture.OffsetBytes), (x.Name, x.IsAlias, x.IsAliasable, x.AliasCount, x.OffsetBytes)),
            x => Assert.Equal(("b", true, baseTexture.OffsetBytes + (2 * MiB)), (x.Name, x.IsAlias, x.OffsetBytes)));
        Assert.Throws<InvalidOperationException>(() => heap.Free(baseTexture));

        a.Dispose();
        Assert.Equal(1, AliasCountOf(baseTexture));
        Assert.Throws<InvalidOperationException>(baseTexture.Dispose);
        b.Dispose();
        Assert.Equal(0, AliasCountOf(baseTexture));
        heap.Free(baseTexture);
        Assert.Equal(0, heap.GetStatistics().AllocationCount);
    }

    [Fact]
    public void WithDebugAliasChecks_LeasingTwoOverlappingMembersAtOnce_Throws()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, debugAliasChecks: true);
        using var baseAllocation = heap.AllocateBuffer(64 * KiB, aliasable: true, name: "base");
        var first = heap.AllocateAliased(8 * KiB, baseAllocation, name: "first");
        var overlapping = heap.AllocateAliased(8 * KiB, baseAllocation, offsetBytes: 4 * KiB, name: "overlapping");
        var apart = heap.AllocateAliased(8 * KiB, baseAllocation, offsetBytes: 32 * KiB, name: "apart");

        using (first.Lease())
        {
            var error = Assert.Throws<InvalidOperationException>(() => { using var lease = overlapping.Lease(); });
            Assert.Contains("'overlapping'", error.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => { using var lease = baseAllocation.Lease(); });
            using var disjoint = apart.Lease();
            Assert.Equal(8 * KiB, disjoint.Span.Length);
        }

        using (overlapping.Lease())
        {
            Assert.Throws<InvalidOperationException>(() => { using var lease = first.Lease(); });
        }

        Assert.False(InfoOf(baseAllocation).IsLeased);
        using (baseAllocation.Lease())
        {
        }

        first.Dispose();
        overlapping.Dispose();
        apart.Dispose();
    }

    [Fact]
    public void WithoutDebugAliasChecks_LeasingOverlappingMembersAtOnce_IsAllowed()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var baseAllocation = heap.AllocateBuffer(64 * KiB, aliasable: true);
        var alias = heap.AllocateAliased(8 * KiB, baseAllocation, offsetBytes: 8 * KiB);

        using (var baseLease = baseAllocation.Lease())
        using (var aliasLease = alias.Lease())
        {
            aliasLease.Span.Fill(0xAB);
            Assert.Equal(0xAB, baseLease.Span[(int)(8 * KiB)]);
            Assert.Equal(0xAB, baseLease.Span[(int)(16 * KiB) - 1]);
        }

        alias.Dispose();
        baseAllocation.Dispose();
    }

    [Fact]
    public void AliasedBaseInADedicatedBlock_KeepsTheBlockUntilTheBaseIsFreed()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        var big = heap.AllocateBuffer(3 * MiB, aliasable: true);
        Fill(big, 9);
        var alias = heap.AllocateAliased(1 * MiB, big, offsetBytes: 2 * MiB);

        alias.Dispose();
        Assert.Equal(1, heap.BlockCount);
        AssertPattern(big, 9, "dedicated base after its alias was freed");
        big.Dispose();
        Assert.Equal(0, heap.BlockCount);
        Assert.Equal(0, budget.UsedBytes);
    }
}
