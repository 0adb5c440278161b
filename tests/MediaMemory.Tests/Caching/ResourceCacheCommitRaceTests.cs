using MediaMemory.Budgeting;
using MediaMemory.Caching;

namespace MediaMemory.Tests.Caching;

/// <summary>A victim pinned after the cache checked it (pins take no lock) while a store is committing.</summary>
public sealed class ResourceCacheCommitRaceTests
{
    [Fact]
    public void AVictimPinnedAfterTheCheck_LeavesEveryVictimResident_WhenTheStoreIsThenRefused()
    {
        // Capacity 100: A (10 bytes, least recent) and B (90). A store of 95 bytes needs both to go; B is pinned
        // between the check and the commit (here from the admission call, which runs in that window). The commit
        // used to evict A before it found B pinned, then the retry refused the store: A was lost for nothing.
        var budget = new MemoryBudget(1L << 30);
        var policy = new PinningPolicy();
        using var cache = new ResourceCache<string, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 100, Policy = policy });
        var a = new TrackedValue(1);
        var b = new TrackedValue(2);
        cache.Set("A", a, 10, 1);
        cache.Set("B", b, 90, 1);
        CacheLease<TrackedValue> pinB = default;
        policy.BeforeAdmit = () => Assert.True(cache.TryPin("B", out pinB));

        var c = new TrackedValue(3);
        Assert.False(cache.Set("C", c, 95, 1));

        Assert.True(cache.ContainsKey("A"), "A was evicted for a store that was refused");
        Assert.Equal(0, a.Disposals);
        Assert.True(cache.ContainsKey("B"));
        Assert.Equal((2, 100L), (cache.Count, cache.SizeBytes));
        Assert.Equal(1, c.Disposals);
        pinB.Dispose();

        // Nothing is left marked: A can be pinned, and both can still be evicted for a store that fits.
        Assert.True(cache.TryPin("A", out var pinA));
        pinA.Dispose();
        policy.BeforeAdmit = null;
        Assert.True(cache.Set("D", new TrackedValue(4), 95, 1));
        Assert.Equal((1, 1), (a.Disposals, b.Disposals));
    }

    /// <summary>LRU that runs a hook when asked to admit, i.e. after the victims were checked, before they are evicted.</summary>
    private sealed class PinningPolicy : IEvictionPolicy
    {
        private readonly IEvictionPolicy _lru = EvictionPolicies.Create("lru");

        public Action? BeforeAdmit { get; set; }

        public string Name => "lru-pinning";

        public void Initialize(long capacityBytes, int capacityItems) => _lru.Initialize(capacityBytes, capacityItems);

        public void RecordAccess(int keyHash) => _lru.RecordAccess(keyHash);

        public void OnAdded(CacheEntry entry, long tick) => _lru.OnAdded(entry, tick);

        public void OnRemoved(CacheEntry entry) => _lru.OnRemoved(entry);

        public CacheEntry? TakeVictim(long tick) => _lru.TakeVictim(tick);

        public bool Admit(CacheEntry candidate, IReadOnlyList<CacheEntry> victims)
        {
            var hook = BeforeAdmit;
            BeforeAdmit = null;
            hook?.Invoke();
            return _lru.Admit(candidate, victims);
        }
    }
}
