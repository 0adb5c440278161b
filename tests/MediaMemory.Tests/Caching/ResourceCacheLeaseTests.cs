using MediaMemory.Budgeting;
using MediaMemory.Caching;

namespace MediaMemory.Tests.Caching;

public sealed class ResourceCacheLeaseTests
{
    private const int Rounds = 10_000; // arbitrary: enough that one stray allocation is far below a byte per hit

    private static ValueTask<CacheItem<TrackedValue>> Build(int key, CancellationToken ct) =>
        ValueTask.FromResult(new CacheItem<TrackedValue>(new TrackedValue(key), 10, 10));

    [Fact]
    public void Hits_TryGetTryPinAndGetOrCreate_AllocateNothingInSteadyState()
    {
        using var cache = new ResourceCache<int, TrackedValue>(new MemoryBudget(1 << 20), new ResourceCacheOptions { CapacityBytes = 1 << 20 });
        Assert.True(cache.Set(1, new TrackedValue(1), 10, 10));
        Func<int, CancellationToken, ValueTask<CacheItem<TrackedValue>>> factory = Build;
        Gets(cache, 1_000); // warm up: first-use allocations (thread statics, JIT tiers) are not steady state
        PinnedHits(cache, factory, 1_000);

        var gets = LeastAllocated(() => Gets(cache, Rounds));
        var pins = LeastAllocated(() => PinnedHits(cache, factory, Rounds));

        Assert.True(gets < Rounds, $"TryGet hits allocated {gets / (double)Rounds:F2} bytes each");
        Assert.True(pins < Rounds, $"a TryPin hit plus a GetOrCreateAsync hit allocated {pins / (double)Rounds:F2} bytes");
    }

    /// <summary>The fewest bytes this thread allocated in three runs of <paramref name="run"/>: the runtime may
    /// allocate now and then on any thread (type loading, tiering), but an allocation per hit shows in every run.</summary>
    private static long LeastAllocated(Action run)
    {
        var least = long.MaxValue;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    private static void Gets(ResourceCache<int, TrackedValue> cache, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            cache.TryGet(1, out _);
        }
    }

    private static void PinnedHits(ResourceCache<int, TrackedValue> cache, Func<int, CancellationToken, ValueTask<CacheItem<TrackedValue>>> factory, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            Assert.True(cache.TryPin(1, out var lease));
            lease.Dispose();
            var pending = cache.GetOrCreateAsync(1, factory, TestContext.Current.CancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                pending.Result.Dispose();
            }
            else
            {
                Assert.Fail("a GetOrCreateAsync hit did not complete synchronously");
            }
        }
    }

    [Fact]
    public void ACopyOfALease_DisposedAgain_NeverDropsAnotherPin_EvenOneThatReusesItsSlot()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 250, PolicyName = "lru" });
        var value = new TrackedValue(0);
        Assert.True(cache.Set(0, value, 250, 10));
        Assert.True(cache.TryPin(0, out var first));
        var copy = first;
        Assert.Equal(first, copy);

        copy.Dispose();
        Assert.True(first.IsDisposed); // one pin: disposing a copy disposes them all
        Assert.Throws<ObjectDisposedException>(() => first.Value);

        Assert.True(cache.TryPin(0, out var second)); // on this thread it reuses the slot the first lease gave back
        Assert.NotEqual(first, second);
        first.Dispose();
        copy.Dispose();

        Assert.False(second.IsDisposed);
        Assert.Equal(0, cache.PurgeAll()); // still pinned by the second lease
        Assert.Same(value, second.Value);
        Assert.Throws<ObjectDisposedException>(() => copy.SizeBytes);
        second.Dispose();
        Assert.Equal(250, cache.PurgeAll());
        Assert.Equal(1, value.Disposals);
    }

    [Fact]
    public void ADefaultLease_IsDisposed_AndDisposingItDoesNothing()
    {
        var lease = default(CacheLease<TrackedValue>);
        Assert.True(lease.IsDisposed);
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lease.Value);

        using var cache = new ResourceCache<int, TrackedValue>(new MemoryBudget(1_000), new ResourceCacheOptions { CapacityBytes = 1_000 });
        Assert.False(cache.TryPin(1, out var missed));
        Assert.True(missed.IsDisposed);
    }

    [Fact]
    public async Task ALeaseDisposedOnAnotherThread_DropsItsPinOnce()
    {
        var budget = new MemoryBudget(10_000);
        using var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 100, PolicyName = "lru" });
        var value = new TrackedValue(0);
        Assert.True(cache.Set(0, value, 100, 10));
        Assert.True(cache.TryPin(0, out var kept));
        Assert.True(cache.TryPin(0, out var lease));

        await Task.Run(() =>
        {
            lease.Dispose();
            lease.Dispose();
        }, TestContext.Current.CancellationToken);

        Assert.Equal(0, cache.PurgeAll());
        kept.Dispose();
        Assert.Equal(100, cache.PurgeAll());
        Assert.Equal(1, value.Disposals);
    }
}
