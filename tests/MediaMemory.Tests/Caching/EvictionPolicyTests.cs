using MediaMemory.Budgeting;
using MediaMemory.Caching;
using MediaMemory.Caching.Internals;

namespace MediaMemory.Tests.Caching;

public sealed class EvictionPolicyTests
{
    [Fact]
    public void Names_CreateEveryPolicy_DefaultFirst()
    {
        Assert.Equal(EvictionPolicies.Default, EvictionPolicies.Names[0]);
        foreach (var name in EvictionPolicies.Names)
        {
            Assert.Equal(name, EvictionPolicies.Create(name.ToUpperInvariant()).Name);
        }
    }

    [Fact]
    public void APolicyInstance_ServesOneCache()
    {
        var policy = EvictionPolicies.Create("lru");
        using var first = new ResourceCache<int, object>(new MemoryBudget(100), new ResourceCacheOptions { Policy = policy });
        Assert.Throws<InvalidOperationException>(() => new ResourceCache<int, object>(new MemoryBudget(100), new ResourceCacheOptions { Policy = policy }));
    }

    [Fact]
    public void CostAware_KeepsTheExpensiveEntry_OverCheapOnesOfTheSameSize()
    {
        using var cache = new ResourceCache<int, object>(new MemoryBudget(1000), new ResourceCacheOptions { CapacityBytes = 300 });
        cache.Set(1, new object(), 100, 1_000_000);
        cache.Set(2, new object(), 100, 10);
        cache.Set(3, new object(), 100, 10);
        cache.Set(4, new object(), 100, 10);

        Assert.True(cache.ContainsKey(1));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void CostAware_ByteBounded_SizesItsSketchToTheEntriesHeld()
    {
        // A few large entries must not get the history of thousands (see MinSketchWidth): 64 words to start,
        // doubling once the resident entries outnumber them.
        var policy = new CostAwarePolicy();
        policy.Initialize(1L << 30, 0);
        Assert.Equal(64, policy.SketchWidth);

        for (var i = 1; i <= 65; i++)
        {
            policy.OnAdded(new KeyedEntry<int, object>(i, new object(), i, 1 << 20, 1000, i), i);
        }

        Assert.Equal(128, policy.SketchWidth);
    }

    [Fact]
    public void CostAware_ByteBounded_RanksBeyondTheSketchCeiling_ByTheEntrysOwnCount()
    {
        // Two entries of equal size and cost, both requested more often than a 4-bit sketch counter holds (15):
        // the one requested 40 times must outrank the one requested 20 times although it was stored first
        // (with the sketch alone both have F = 15 and the older leaves).
        var policy = new CostAwarePolicy();
        policy.Initialize(1000, 0); // window: 40 % = 400 bytes
        var tick = 0L;
        var entries = new List<KeyedEntry<int, object>>();
        for (var key = 1; key <= 6; key++)
        {
            var entry = new KeyedEntry<int, object>(key, new object(), key, 100, 1000, ++tick);
            entries.Add(entry);
            policy.OnAdded(entry, entry.CreatedTick);
        }

        // 600 bytes in the window: the two oldest move to the main region, whose least H is offered (the older,
        // on a tie) and put back, as the cache does with a pinned victim.
        var first = policy.TakeVictim(++tick);
        Assert.Same(entries[0], first);
        policy.OnAdded(first!, first!.CreatedTick);

        Hit(policy, entries[0], 40, ref tick);
        Hit(policy, entries[1], 20, ref tick);

        Assert.Same(entries[1], policy.TakeVictim(++tick));
        Assert.Same(entries[0], policy.TakeVictim(++tick));
    }

    private static void Hit(CostAwarePolicy policy, CacheEntry entry, int times, ref long tick)
    {
        for (var i = 0; i < times; i++)
        {
            entry.AccessCountField++;
            Volatile.Write(ref entry.LastAccessField, ++tick);
            policy.RecordAccess(entry.KeyHash);
        }
    }

    [Fact]
    public void SeedWeighted_EvictsTheHighestNormalisedScore()
    {
        using var cache = new ResourceCache<int, object>(new MemoryBudget(1000), new ResourceCacheOptions { CapacityBytes = 1000, PolicyName = "seed-weighted" });
        cache.Set(1, new object(), 600, 10); // big, cheap, never reused: highest score
        cache.Set(2, new object(), 100, 1000);
        cache.TryGet(2, out _);
        cache.Set(3, new object(), 350, 10); // 1,050 bytes: one must go

        Assert.False(cache.ContainsKey(1));
        Assert.True(cache.ContainsKey(2) && cache.ContainsKey(3));
    }
}
