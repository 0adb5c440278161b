using MediaMemory.Budgeting;
using MediaMemory.Cli.Demo;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Cli;

/// <summary>The demo's preview cache: previews in a heap of 4 MiB blocks, given back a block at a time.</summary>
public sealed class PreviewCacheTests
{
    private const long MiB = 1L << 20;

    // 256 × 256 BGRA8 thumbnails that fill one block.
    private const int ThumbnailsPerBlock = (int)(PreviewCache.BlockBytes / (256 * 1024));

    [Fact]
    public void Thumbnails_ShareBlocks_AndTheBudgetCountsWholeBlocks()
    {
        var budget = new MemoryBudget(64 * MiB);
        using var cache = new PreviewCache(budget);

        for (var key = 0; key <= ThumbnailsPerBlock; key++)
        {
            cache.Request(key, 256, 256); // 256 KiB each: a block's worth fills it, the next one opens another
        }

        Assert.Equal(2 * PreviewCache.BlockBytes, budget.UsedBytes);
        Assert.Equal((ThumbnailsPerBlock + 1) * 256 * 1024, cache.ReclaimableBytes);
        Assert.Equal(budget.UsedBytes, budget.GetSnapshot().UsedByCategory[(int)AllocationCategory.CacheTextures]);
    }

    [Fact]
    public void Reclaim_EvictsTheLeastRecentlyUsedWithItsBlockMates_AndReturnsTheBlockGivenBack()
    {
        var budget = new MemoryBudget(64 * MiB);
        using var cache = new PreviewCache(budget);
        for (var key = 0; key < 2 * ThumbnailsPerBlock; key++)
        {
            cache.Request(key, 256, 256);
        }

        cache.Request(3, 256, 256); // a hit: key 3 is now the most recently used, but shares block 0

        var freed = cache.Reclaim(1, ReclaimReason.Requested);

        Assert.Equal(PreviewCache.BlockBytes, freed);
        Assert.Equal(PreviewCache.BlockBytes, budget.UsedBytes);
        Assert.Equal(ThumbnailsPerBlock, cache.Evictions);
        var hitsBefore = cache.Hits;
        cache.Request((2 * ThumbnailsPerBlock) - 1, 256, 256);
        Assert.Equal(hitsBefore + 1, cache.Hits); // block 1 stayed
        cache.Request(3, 256, 256);
        Assert.Equal(hitsBefore + 1, cache.Hits); // went with its block-mate, key 0
    }

    [Fact]
    public void APreviewLargerThanABlock_HasABlockOfItsOwn_CountedWhenReclaimed()
    {
        var budget = new MemoryBudget(64 * MiB);
        using var cache = new PreviewCache(budget);
        cache.Request(1, 2048, 1024); // 8 MiB
        cache.Request(2, 256, 256);

        Assert.Equal((8 * MiB) + PreviewCache.BlockBytes, budget.UsedBytes);
        Assert.Equal(8 * MiB, cache.Reclaim(1, ReclaimReason.Requested));
        Assert.Equal(PreviewCache.BlockBytes, budget.UsedBytes);
    }

    [Fact]
    public void Critical_EmptiesTheCache_AndGivesEveryBlockBack_WhileWarningTrimsAboutAThird()
    {
        var budget = new MemoryBudget(256 * MiB);
        using var cache = new PreviewCache(budget);
        for (var key = 0; key < 40; key++)
        {
            // Every fourth an 8 MiB preview, in a block of its own; the rest 256 KiB thumbnails sharing blocks.
            cache.Request(key, key % 4 == 0 ? 2048 : 256, key % 4 == 0 ? 1024 : 256);
        }

        var full = budget.UsedBytes;
        cache.Respond(new PressureResponse(PressureLevel.Warning, PressureLevel.Normal, ThermalState.Nominal, "test"));
        var warned = budget.UsedBytes;
        cache.Respond(new PressureResponse(PressureLevel.Critical, PressureLevel.Warning, ThermalState.Nominal, "test"));

        // 30 %, give or take the last victim: an 8 MiB preview, or a shared block's worth of thumbnails.
        Assert.InRange(full - warned, full * 3 / 10 - PreviewCache.BlockBytes, full * 3 / 10 + (8 * MiB) + PreviewCache.BlockBytes);
        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, cache.ReclaimableBytes);
    }

    [Fact]
    public void Dispose_GivesEverythingBack()
    {
        var budget = new MemoryBudget(64 * MiB);
        var cache = new PreviewCache(budget);
        cache.Request(1, 1024, 1024);
        cache.Request(2, 256, 256);

        cache.Dispose();

        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, budget.GetSnapshot().LiveTokens);
    }
}
