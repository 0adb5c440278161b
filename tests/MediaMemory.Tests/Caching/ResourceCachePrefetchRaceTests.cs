using MediaMemory.Budgeting;
using MediaMemory.Caching;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Caching;

/// <summary>A prefetch racing other stores of its key (found in review); the interleavings are forced, not timed.</summary>
public sealed class ResourceCachePrefetchRaceTests
{
    [Fact]
    public async Task APrefetch_WhoseKeyIsBuiltAndStoredJustBeforeItRegisters_DoesNotBuildItAgain()
    {
        var budget = new MemoryBudget(10_000);
        using var background = new BackgroundWork();
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 1_000, BackgroundWork = background });
        var builds = 0;
        ValueTask<CacheItem<TrackedValue>> Factory(int key, CancellationToken ct)
        {
            Interlocked.Increment(ref builds);
            return ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(key), 100, 100));
        }

        // Between the prefetch's residency check and its flight registration, a caller builds the key,
        // stores it and drops its own flight (its factory completes synchronously).
        TrackedValue? leased = null;
        var leases = new List<IDisposable>();
        cache.PrefetchRaceHook = key =>
        {
            var pending = cache.GetOrCreateAsync(key, Factory, TestContext.Current.CancellationToken);
            Assert.True(pending.IsCompletedSuccessfully);
            var lease = pending.Result;
            leases.Add(lease);
            leased = lease.Value;
        };

        Assert.Equal(1, cache.Prefetch([new(1, 0.9)], Factory));
        await background.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(1, builds);
        Assert.Equal(0, cache.GetStatistics().Removals[(int)CacheRemovalReason.Replaced]);
        Assert.True(cache.TryGet(1, out var resident));
        Assert.Same(leased, resident);
        Assert.Equal(0, leased!.Disposals);
        leases.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task APrefetch_WhoseKeyIsSetWhileItBuilds_LeavesTheSetValue_AndDisposesItsOwn()
    {
        var budget = new MemoryBudget(10_000);
        using var background = new BackgroundWork();
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 1_000, BackgroundWork = background });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var prefetched = new TrackedValue(1);
        async ValueTask<CacheItem<TrackedValue>> Factory(int key, CancellationToken ct)
        {
            started.SetResult();
            await gate.Task;
            return new CacheItem<TrackedValue>(prefetched, 100, 100);
        }

        cache.Prefetch([new(1, 0.9)], Factory);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        var set = new TrackedValue(2);
        Assert.True(cache.Set(1, set, 100, 100));
        gate.SetResult();
        await background.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(cache.TryGet(1, out var resident));
        Assert.Same(set, resident);
        Assert.Equal(0, set.Disposals);
        Assert.Equal(1, prefetched.Disposals);
        Assert.Equal(0, cache.GetStatistics().Removals[(int)CacheRemovalReason.Replaced]);
        Assert.Equal(100, budget.GetUsedBytes(AllocationCategory.CacheTextures));
    }
}
