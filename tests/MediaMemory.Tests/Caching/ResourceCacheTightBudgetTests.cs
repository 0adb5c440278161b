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
    public async Task Prefetch_WhenTheBudgetIsTighterThanTheCapacity_EvictsCheapEntriesForTheBudgetToo_AndIsNeverRefused()
    {
        // A 300-byte prefetch needs 200 bytes of capacity but 300 of the budget: three victims, all within its worth.
        using var run = await PrefetchIntoAFullCacheAsync(_ => 10);

        Assert.True(run.Cache.ContainsKey(100), $"not stored: count {run.Cache.Count}, {run.Cache.SizeBytes} bytes, built disposed {run.Built.Disposals} times");
        Assert.Equal(0, run.Built.Disposals);
        Assert.Equal(0, run.Refusals);
        Assert.Equal(3, run.Values.Count(v => v.Disposals == 1));
        Assert.Equal(3, run.Cache.GetStatistics().Removals[(int)CacheRemovalReason.Evicted]);
        Assert.Equal((7, 900L), (run.Cache.Count, run.Cache.SizeBytes));
        Assert.Equal(900, run.Budget.GetUsedBytes(AllocationCategory.CacheTextures));
    }

    [Fact]
    public async Task Prefetch_WhenTheBudgetShortfallReachesAnEntryWorthMore_EvictsNothing_AndIsNeverRefused()
    {
        // The capacity needs two victims (both cheap), the budget a third: an entry worth more than the prediction.
        using var run = await PrefetchIntoAFullCacheAsync(i => i < 2 ? 10 : 1_000_000);

        Assert.False(run.Cache.ContainsKey(100));
        Assert.Equal(1, run.Built.Disposals);
        Assert.Equal(0, run.Refusals);
        Assert.All(run.Values, v => Assert.Equal(0, v.Disposals));
        Assert.Equal((9, 900L), (run.Cache.Count, run.Cache.SizeBytes));
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
    public void AZeroByteEntryFirstInLine_DoesNotStopTheEvictionForTheBudget()
    {
        var budget = new MemoryBudget(1_000);
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 10_000, PolicyName = "lru" });
        var empty = new TrackedValue(0);
        var full = new TrackedValue(1);
        Assert.True(cache.Set(0, empty, 0, 10)); // least recent: the first victim, and it frees 0 bytes
        Assert.True(cache.Set(1, full, 500, 10));
        using var other = budget.Reserve(400, AllocationCategory.WorkingTextures, Priority.High);
        var refusals = 0;
        budget.ReservationRefused += (_, _) => refusals++;

        Assert.True(cache.Set(2, new TrackedValue(2), 550, 10), $"refused with {budget.AvailableBytes} bytes available");

        Assert.Equal(0, refusals);
        Assert.Equal((1, 1), (empty.Disposals, full.Disposals));
        Assert.Equal((1, 550L), (cache.Count, cache.SizeBytes));
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

    private sealed record PrefetchRun(MemoryBudget Budget, ResourceCache<int, TrackedValue> Cache, TrackedValue[] Values, TrackedValue Built, int Refusals) : IDisposable
    {
        public void Dispose() => Cache.Dispose();
    }

    /// <summary>Budget 1000 with 100 held elsewhere; a 1000-byte LRU cache holds nine 100-byte entries (costs
    /// from <paramref name="costOf"/>, key 0 least recent); then key 100 (300 bytes, cost 1000) is prefetched
    /// with p = 0.9 (worth 900) and the run waits for it.</summary>
    private static async Task<PrefetchRun> PrefetchIntoAFullCacheAsync(Func<int, long> costOf)
    {
        var budget = new MemoryBudget(1_000);
        budget.Reserve(100, AllocationCategory.WorkingTextures, Priority.High); // held for the test's life
        using var background = new BackgroundWork();
        var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 1_000, PolicyName = "lru", BackgroundWork = background });
        var values = Enumerable.Range(0, 9).Select(i => new TrackedValue(i)).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(cache.Set(i, values[i], 100, costOf(i)));
        }

        var refusals = 0;
        budget.ReservationRefused += (_, _) => refusals++;
        var built = new TrackedValue(100);
        cache.Prefetch([new(100, 0.9)], (_, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(built, 300, 1000)));
        await background.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return new PrefetchRun(budget, cache, values, built, refusals);
    }
}
