using MediaMemory.Budgeting;
using MediaMemory.Caching;

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
