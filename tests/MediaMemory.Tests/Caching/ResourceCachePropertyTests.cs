using CsCheck;
using MediaMemory.Budgeting;
using MediaMemory.Caching;

namespace MediaMemory.Tests.Caching;

public sealed class ResourceCachePropertyTests
{
    // One step of a random workload: 0 set, 1 get, 2 pin, 3 unpin, 4 remove, 5 trim, 6 purge, 7 reclaim.
    private static readonly Gen<(int Op, int Key, int Size)> Step = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 15], Gen.Int[0, 400]);

    [Theory]
    [InlineData("cost-aware")]
    [InlineData("lru")]
    [InlineData("seed-weighted")]
    public void BudgetAlwaysEqualsLiveEntries_AndPinnedEntriesAreNeverEvicted(string policy)
    {
        Gen.Select(Step.Array[1, 120], Gen.Int[0, 1]).Sample(t =>
        {
            var (steps, itemBound) = t;
            var budget = new MemoryBudget(2000);
            var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 1000, CapacityItems = itemBound * 4, PolicyName = policy });
            var leases = new Dictionary<int, (CacheLease<TrackedValue> Lease, TrackedValue Value)>();
            var all = new List<TrackedValue>();
            foreach (var (op, key, size) in steps)
            {
                switch (op)
                {
                    case 0:
                        var v = new TrackedValue(key);
                        all.Add(v);
                        cache.Set(key, v, size, size * 3);
                        break;
                    case 1:
                        cache.TryGet(key, out _);
                        break;
                    case 2 when !leases.ContainsKey(key) && cache.TryPin(key, out var lease):
                        leases[key] = (lease, lease.Value);
                        break;
                    case 3 when leases.Remove(key, out var held):
                        held.Lease.Dispose();
                        break;
                    case 4:
                        cache.Remove(key);
                        break;
                    case 5:
                        cache.Trim(size / 400.0);
                        break;
                    case 6:
                        cache.PurgeAll();
                        break;
                    case 7:
                        budget.Reclaim(size);
                        break;
                }

                // Pinned values are alive; resident pinned entries are still resident.
                foreach (var (_, held) in leases)
                {
                    Assert.Equal(0, held.Value.Disposals);
                }

                var pinnedDetached = leases.Values.Where(h => !cache.TryGet(h.Value.Id, out var r) || !ReferenceEquals(r, h.Value)).Sum(h => h.Lease.SizeBytes);
                Assert.Equal(cache.SizeBytes + pinnedDetached, budget.GetUsedBytes(AllocationCategory.CacheTextures));
                Assert.True(cache.SizeBytes <= 1000, $"{cache.SizeBytes} bytes over capacity 1000");
            }

            foreach (var (_, held) in leases)
            {
                held.Lease.Dispose();
            }

            cache.Dispose();
            Assert.Equal(0, budget.UsedBytes);
            Assert.All(all, v => Assert.Equal(1, v.Disposals));
        }, iter: 300);
    }
}
