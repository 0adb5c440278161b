using MediaMemory.Budgeting;
using MediaMemory.Caching;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Caching;

public sealed class ResourceCacheTests
{
    private static ResourceCache<int, TrackedValue> NewCache(MemoryBudget budget, long capacity = 1000, string policy = EvictionPolicies.Default, BackgroundWork? background = null) =>
        new(budget, new ResourceCacheOptions { CapacityBytes = capacity, PolicyName = policy, BackgroundWork = background });

    [Theory]
    [InlineData("cost-aware")]
    [InlineData("lru")]
    [InlineData("seed-weighted")]
    public void SetThenTryGet_Hits_AndReservesUnderCacheTextures(string policy)
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, policy: policy);
        var value = new TrackedValue(1);

        Assert.True(cache.Set(1, value, 300, 50));
        Assert.True(cache.TryGet(1, out var found));
        Assert.Same(value, found);
        Assert.False(cache.TryGet(2, out _));
        Assert.Equal(300, budget.GetUsedBytes(AllocationCategory.CacheTextures));
        Assert.Equal(300, cache.SizeBytes);
        var stats = cache.GetStatistics();
        Assert.Equal((1, 1, 1), (stats.Hits, stats.Misses, stats.Count));
    }

    [Fact]
    public void WhenFull_EvictsByPolicy_DisposesEvicted_AndKeepsBudgetEqualToEntries()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var values = Enumerable.Range(0, 5).Select(i => new TrackedValue(i)).ToArray();
        for (var i = 0; i < 4; i++)
        {
            cache.Set(i, values[i], 250, 10);
        }

        cache.TryGet(0, out _); // 1 is now least recently used
        cache.Set(4, values[4], 250, 10);

        Assert.False(cache.ContainsKey(1));
        Assert.Equal(1, values[1].Disposals);
        Assert.True(cache.ContainsKey(0));
        Assert.Equal(1000, budget.UsedBytes);
        Assert.Equal(cache.SizeBytes, budget.UsedBytes);
    }

    [Fact]
    public void PinnedEntry_IsNeverEvicted_AndItsValueLivesUntilTheLeaseIsDisposed()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 500, policy: "lru");
        var pinned = new TrackedValue(0);
        cache.Set(0, pinned, 250, 10);
        Assert.True(cache.TryPin(0, out var lease));

        cache.Set(1, new TrackedValue(1), 250, 10);
        cache.Set(2, new TrackedValue(2), 250, 10);
        Assert.Equal(0, cache.PurgeAll() - 250); // only the unpinned one
        Assert.True(cache.ContainsKey(0));
        Assert.Equal(0, pinned.Disposals);

        Assert.True(cache.Remove(0));
        Assert.Equal(0, pinned.Disposals);
        Assert.Equal(250, budget.UsedBytes); // still held by the lease
        Assert.Same(pinned, lease.Value);
        lease.Dispose();
        lease.Dispose(); // idempotent: the pin is dropped once
        Assert.Equal(1, pinned.Disposals);
        Assert.Equal(0, budget.UsedBytes);
        Assert.Throws<ObjectDisposedException>(() => lease.Value);
    }

    [Fact]
    public void DoubleDisposeOfAPin_DoesNotUnpinAnotherLease()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 250, policy: "lru");
        var value = new TrackedValue(0);
        cache.Set(0, value, 250, 10);
        Assert.True(cache.TryPin(0, out var first));
        Assert.True(cache.TryPin(0, out var second));

        first.Dispose();
        first.Dispose();
        Assert.Equal(0, cache.PurgeAll());
        Assert.Same(value, second.Value);
        second.Dispose();
        Assert.Equal(250, cache.PurgeAll());
        Assert.Equal(1, value.Disposals);
    }

    [Fact]
    public void ReplacingAKey_WhenTheRestOfTheCapacityIsPinned_IsRefused_AndKeepsTheOldValue()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var old = new TrackedValue(0);
        Assert.True(cache.Set(0, old, 200, 10));
        Assert.True(cache.Set(1, new TrackedValue(1), 800, 10));
        Assert.True(cache.TryPin(1, out var lease));
        using (lease)
        {
            // 300 bytes need 100 more than the old value gives back, and the other 800 are pinned.
            var replacement = new TrackedValue(10);
            Assert.False(cache.Set(0, replacement, 300, 10));

            Assert.True(cache.TryGet(0, out var resident), "the key's old value was dropped by a refused Set");
            Assert.Same(old, resident);
            Assert.Equal(0, old.Disposals);
            Assert.Equal(1, replacement.Disposals);
            Assert.Equal(0, cache.GetStatistics().Removals[(int)CacheRemovalReason.Replaced]);
            Assert.Equal((2, 1000L), (cache.Count, cache.SizeBytes));
            Assert.Equal(1000, budget.GetUsedBytes(AllocationCategory.CacheTextures));
        }

        Assert.Equal(1000, cache.PurgeAll()); // both are back in the policy's order
        Assert.Equal(1, old.Disposals);
    }

    [Fact]
    public void ReplacingAKey_WhenTheOldValueMakesTheRoom_EvictsNothingElse()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var old = new TrackedValue(0);
        var other = new TrackedValue(1);
        Assert.True(cache.Set(0, old, 300, 10)); // least recent: the policy's first victim
        Assert.True(cache.Set(1, other, 700, 10));

        var replacement = new TrackedValue(10);
        Assert.True(cache.Set(0, replacement, 300, 10));

        Assert.True(cache.TryGet(0, out var resident));
        Assert.Same(replacement, resident);
        Assert.Equal(1, old.Disposals);
        Assert.True(cache.ContainsKey(1));
        Assert.Equal(0, other.Disposals);
        var removals = cache.GetStatistics().Removals;
        Assert.Equal((1L, 0L), (removals[(int)CacheRemovalReason.Replaced], removals[(int)CacheRemovalReason.Evicted]));
        Assert.Equal(1000, budget.GetUsedBytes(AllocationCategory.CacheTextures));
    }

    [Fact]
    public void SettingTheSameValueAgain_KeepsItAlive_AndDisposesItOnceWhenItLeaves()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var value = new TrackedValue(1);
        Assert.True(cache.Set(1, value, 100, 10));

        Assert.True(cache.Set(1, value, 200, 10)); // e.g. the same texture with its size declared anew

        Assert.True(cache.TryGet(1, out var resident));
        Assert.Same(value, resident);
        Assert.Equal(0, value.Disposals);
        Assert.Equal(1, cache.GetStatistics().Removals[(int)CacheRemovalReason.Replaced]);
        Assert.Equal(200, budget.GetUsedBytes(AllocationCategory.CacheTextures));
        Assert.True(cache.Remove(1));
        Assert.Equal(1, value.Disposals);
    }

    [Fact]
    public void SettingTheSameValueAgain_WhilePinned_IsRefused_AndTheObjectLivesUntilItsLeaseAndItsEntryAreGone()
    {
        // Replacing the pinned entry used to hand the object to the new entry, which disposed it when it left
        // the cache (here: Remove) while the old entry's lease still returned it.
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var value = new TrackedValue(1);
        Assert.True(cache.Set(1, value, 100, 10));
        Assert.True(cache.TryPin(1, out var lease));

        Assert.False(cache.Set(1, value, 200, 10));
        Assert.Equal(0, value.Disposals);
        Assert.Equal((1, 100L), (cache.Count, cache.SizeBytes)); // the entry as it was
        Assert.Equal(100, budget.GetUsedBytes(AllocationCategory.CacheTextures));

        Assert.True(cache.Remove(1));
        Assert.Equal(0, value.Disposals); // the lease is open
        Assert.Same(value, lease.Value);
        lease.Dispose();
        Assert.Equal(1, value.Disposals);
        Assert.Equal(0, budget.GetUsedBytes(AllocationCategory.CacheTextures));
    }

    [Fact]
    public void SettingTheSameValueAgain_WhenRefused_KeepsTheResidentValue()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var value = new TrackedValue(1);
        Assert.True(cache.Set(1, value, 100, 10));
        Assert.True(cache.Set(2, new TrackedValue(2), 900, 10));
        Assert.True(cache.TryPin(2, out var lease));
        using (lease)
        {
            Assert.False(cache.Set(1, value, 300, 10)); // 100 of the 200 more bytes are pinned
        }

        Assert.Equal(0, value.Disposals);
        Assert.True(cache.TryGet(1, out var resident));
        Assert.Same(value, resident);
    }

    [Fact]
    public void BadInput_IsRefusedClearly_AndNothingElseIsLost()
    {
        var budget = new MemoryBudget(10_000);
        var cache = NewCache(budget, capacity: 1000);
        var kept = new TrackedValue(0);
        cache.Set(0, kept, 100, 10);
        var rejected = new TrackedValue(1);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => cache.Set(1, rejected, -1, 10));
        Assert.Equal("sizeBytes", negative.ParamName);
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => cache.Set(1, rejected, 1001, 10));
        Assert.Contains("1001", tooBig.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Set(1, rejected, 10, -5));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Trim(1.5));
        Assert.Throws<ArgumentException>(() => EvictionPolicies.Create("fifo"));
        Assert.Equal(0, rejected.Disposals); // not taken over
        Assert.True(cache.TryGet(0, out _));
        Assert.Equal(100, budget.UsedBytes);

        cache.Dispose();
        cache.Dispose();
        Assert.Equal(1, kept.Disposals);
        Assert.Equal(0, budget.UsedBytes);
        Assert.Throws<ObjectDisposedException>(() => cache.TryGet(0, out _));
        Assert.Throws<ObjectDisposedException>(() => cache.Set(2, new TrackedValue(2), 1, 1));
    }

    [Fact]
    public void TrimAndPurge_EvictTheRequestedShare()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        for (var i = 0; i < 10; i++)
        {
            cache.Set(i, new TrackedValue(i), 100, 10);
        }

        Assert.Equal(300, cache.Trim(0.3));
        Assert.Equal(700, budget.UsedBytes);
        Assert.False(cache.ContainsKey(0)); // oldest first
        Assert.Equal(700, cache.PurgeAll());
        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void AsReclaimer_FreesByTheBudgetsAccounting()
    {
        var budget = new MemoryBudget(1000);
        using var cache = NewCache(budget, capacity: 1000);
        for (var i = 0; i < 10; i++)
        {
            cache.Set(i, new TrackedValue(i), 100, 10);
        }

        using var token = budget.Reserve(450, AllocationCategory.WorkingTextures, Priority.Normal);

        Assert.True(cache.SizeBytes <= 550);
        Assert.Equal(cache.SizeBytes, budget.GetUsedBytes(AllocationCategory.CacheTextures));
        Assert.True(budget.GetSnapshot().ReclaimedBytes >= 450);
    }

    [Fact]
    public void PressureResponse_WarningTrims30Percent_CriticalPurges()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000);
        for (var i = 0; i < 10; i++)
        {
            cache.Set(i, new TrackedValue(i), 100, 10);
        }

        Assert.Equal(PressureStage.Caches, cache.Stage);
        cache.Respond(new PressureResponse(PressureLevel.Warning, PressureLevel.Normal, ThermalState.Nominal, "test"));
        Assert.Equal(700, cache.SizeBytes);
        cache.Respond(new PressureResponse(PressureLevel.Critical, PressureLevel.Warning, ThermalState.Nominal, "test"));
        Assert.Equal(0, cache.SizeBytes);
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public async Task GetOrCreate_UnderConcurrency_BuildsOnce()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget);
        var builds = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<CacheItem<TrackedValue>> Factory(int key, CancellationToken ct)
        {
            Interlocked.Increment(ref builds);
            await gate.Task;
            return new CacheItem<TrackedValue>(new TrackedValue(key), 100, 500);
        }

        var calls = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await cache.GetOrCreateAsync(7, Factory, TestContext.Current.CancellationToken))).ToArray();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        gate.SetResult();
        var leases = await Task.WhenAll(calls);

        Assert.Equal(1, builds);
        Assert.All(leases, l => Assert.Same(leases[0].Value, l.Value));
        Assert.Equal(100, budget.UsedBytes);
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        Assert.Equal(100, cache.PurgeAll());
    }

    [Fact]
    public async Task GetOrCreate_FactoryFailure_ReachesEveryWaiter_AndTheNextCallBuildsAgain()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget);
        var calls = 0;
        ValueTask<CacheItem<TrackedValue>> Failing(int key, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            throw new InvalidDataException("decode failed");
        }

        await Assert.ThrowsAsync<InvalidDataException>(async () => await cache.GetOrCreateAsync(1, Failing, TestContext.Current.CancellationToken));
        using var lease = await cache.GetOrCreateAsync(1, (k, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(k), 10, 1)), TestContext.Current.CancellationToken);
        Assert.Equal(1, calls);
        Assert.Equal(10, budget.UsedBytes);

        var bad = new TrackedValue(2);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await cache.GetOrCreateAsync(2, (_, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(bad, -1, 1)), TestContext.Current.CancellationToken));
        Assert.Equal(1, bad.Disposals);
    }

    [Fact]
    public async Task GetOrCreate_WhenPinnedEntriesHoldTheCapacity_SaysSo_NotThatTheBudgetRefused()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        Assert.True(cache.Set(1, new TrackedValue(1), 800, 10));
        Assert.True(cache.TryPin(1, out var lease));
        using (lease)
        {
            var built = new TrackedValue(2);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                await cache.GetOrCreateAsync(2, (_, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(built, 300, 10)), TestContext.Current.CancellationToken));

            Assert.Contains("pinned", error.Message, StringComparison.Ordinal);
            Assert.Contains("800 of its 1000-byte capacity", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("refused", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, built.Disposals);
        }
    }

    [Fact]
    public async Task GetOrCreate_WhenPinnedEntriesHoldEveryItemSlot_SaysSo()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 1000, CapacityItems = 2, PolicyName = "lru" });
        Assert.True(cache.Set(1, new TrackedValue(1), 10, 10));
        Assert.True(cache.Set(2, new TrackedValue(2), 10, 10));
        Assert.True(cache.TryPin(1, out var first));
        Assert.True(cache.TryPin(2, out var second));
        using (first)
        using (second)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                await cache.GetOrCreateAsync(3, (k, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(k), 10, 10)), TestContext.Current.CancellationToken));

            Assert.Contains("pinned", error.Message, StringComparison.Ordinal);
            Assert.Contains("2 of its 2 entries", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetOrCreate_WhenTheBudgetRefuses_NamesTheBudgetAndWhatItHad()
    {
        var budget = new MemoryBudget(1000);
        using var other = budget.Reserve(900, AllocationCategory.WorkingTextures, Priority.High);
        using var cache = NewCache(budget, capacity: 1000, policy: "lru");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await cache.GetOrCreateAsync(1, (k, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(k), 300, 10)), TestContext.Current.CancellationToken));

        Assert.Contains($"budget '{budget.Name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("100 bytes available", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prefetch_BuildsLikelyKeys_MostProbableFirst()
    {
        var budget = new MemoryBudget(10_000);
        using var background = new BackgroundWork(maxConcurrency: 1);
        using var cache = NewCache(budget, background: background);
        var order = new List<int>();
        ValueTask<CacheItem<TrackedValue>> Factory(int key, CancellationToken ct)
        {
            lock (order)
            {
                order.Add(key);
            }

            return ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(key), 100, 100));
        }

        background.Pause();
        var scheduled = cache.Prefetch([new(1, 0.75), new(2, 0.5), new(3, 0.95), new(4, 0.7), new(3, 0.9)], Factory);
        Assert.Equal(2, scheduled);
        Assert.Equal(2, background.PendingCount); // paused: nothing ran
        Assert.Equal(0, cache.Count);
        background.Resume();
        await background.WhenIdleAsync();

        Assert.Equal([3, 1], order);
        Assert.True(cache.ContainsKey(1) && cache.ContainsKey(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Prefetch([new(9, 1.5)], Factory));
    }

    [Fact]
    public async Task Prefetch_CancelledUnderPressure_StoresNothing()
    {
        var budget = new MemoryBudget(10_000);
        using var background = new BackgroundWork();
        using var cache = NewCache(budget, background: background);
        background.Pause();
        cache.Prefetch([new(1, 0.9), new(2, 0.8)], (k, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(k), 10, 10)));

        background.Respond(new PressureResponse(PressureLevel.Critical, PressureLevel.Warning, ThermalState.Nominal, "test"));
        await background.WhenIdleAsync();

        Assert.Equal(2, background.CancelledCount);
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public async Task Prefetch_NeverEvictsAnEntryWorthMoreThanThePrediction()
    {
        var budget = new MemoryBudget(10_000);
        using var background = new BackgroundWork();
        using var cache = NewCache(budget, capacity: 100, policy: "lru", background: background);
        var precious = new TrackedValue(0);
        cache.Set(0, precious, 100, 1_000_000);
        var built = new TrackedValue(1);

        cache.Prefetch([new(1, 0.9)], (_, _) => ValueTask.FromResult(new CacheItem<TrackedValue>(built, 100, 1000)));
        await background.WhenIdleAsync();

        Assert.True(cache.ContainsKey(0));
        Assert.False(cache.ContainsKey(1));
        Assert.Equal(1, built.Disposals);
        Assert.Equal(0, precious.Disposals);
    }
}
