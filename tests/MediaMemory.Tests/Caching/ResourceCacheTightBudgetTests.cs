using MediaMemory.Budgeting;
using MediaMemory.Caching;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Caching;

/// <summary>Stores when the budget, not the cache's capacity, is what is short (found in review).</summary>
public sealed class ResourceCacheTightBudgetTests
{
    [Fact]
    public async Task Prefetch_WhenTheBudgetIsTight_NeverEvictsAnEntryWorthMoreThanThePrediction()
    {
        var budget = new MemoryBudget(1_000);
        using var other = budget.Reserve(850, AllocationCategory.WorkingTextures, Priority.High);
        using var background = new BackgroundWork();
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 10_000, PolicyName = "lru", BackgroundWork = background });
        var precious = new TrackedValue(0);
        Assert.True(cache.Set(0, precious, 100, 1_000_000));

        var built = new TrackedValue(1);
        cache.Prefetch([new(1, 0.9)], (_, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(built, 100, 1000)));
        await background.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(cache.ContainsKey(0), "the precious entry was evicted for a cheaper prediction");
        Assert.Equal(0, precious.Disposals);
        Assert.False(cache.ContainsKey(1));
        Assert.Equal(1, built.Disposals); // not stored: the cache owned it and let it go
    }

    [Fact]
    public void ASetTheBudgetCannotHold_KeepsTheKeysOldValueAndEvictsNothing()
    {
        var budget = new MemoryBudget(1_000);
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 10_000, PolicyName = "lru" });
        var a = new TrackedValue(0);
        var b = new TrackedValue(1);
        Assert.True(cache.Set(0, a, 300, 10));
        Assert.True(cache.Set(1, b, 300, 10));
        Assert.True(cache.TryPin(1, out var lease));
        using (lease)
        {
            using var other = budget.Reserve(400, AllocationCategory.WorkingTextures, Priority.High);

            // Even with a (300) given back, 550 bytes cannot be had while b (300) is pinned.
            var c = new TrackedValue(2);
            Assert.False(cache.Set(0, c, 550, 10));

            Assert.True(cache.ContainsKey(0));
            Assert.Equal(0, a.Disposals);
            Assert.True(cache.ContainsKey(1));
            Assert.Equal(1, c.Disposals);
            Assert.Equal(600, budget.GetUsedBytes(AllocationCategory.CacheTextures));
        }
    }

    [Fact]
    public void ASetTheBudgetCanHoldByEvicting_Succeeds()
    {
        var budget = new MemoryBudget(1_000);
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 10_000, PolicyName = "lru" });
        Assert.True(cache.Set(0, new TrackedValue(0), 300, 10));
        Assert.True(cache.Set(1, new TrackedValue(1), 300, 10));
        using var other = budget.Reserve(400, AllocationCategory.WorkingTextures, Priority.High);
        Assert.True(cache.Set(2, new TrackedValue(2), 550, 10));
        Assert.True(cache.ContainsKey(2));
        Assert.True(budget.UsedBytes <= budget.LimitBytes);
    }
}
