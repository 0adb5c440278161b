using System.IO.Compression;
using MediaMemory.Budgeting;
using MediaMemory.Caching;

namespace MediaMemory.Tests.Caching;

public sealed class ResourceCacheSoakTests
{
    [Theory]
    [InlineData("cost-aware")]
    [InlineData("lru")]
    [InlineData("seed-weighted")]
    public async Task ConcurrentGetsSetsPinsAndRemoves_EndWithExactAccounting(string policy)
    {
        var budget = new MemoryBudget(1 << 20);
        var cache = new ResourceCache<int, TrackedValue>(budget, new ResourceCacheOptions { CapacityBytes = 64 * 1024, PolicyName = policy });
        var created = new System.Collections.Concurrent.ConcurrentBag<TrackedValue>();
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            var random = new Random(1000 + worker);
            for (var i = 0; i < 20_000; i++)
            {
                var key = random.Next(200);
                switch (random.Next(10))
                {
                    case < 5:
                        cache.TryGet(key, out _);
                        break;
                    case < 8:
                        var value = new TrackedValue(key);
                        created.Add(value);
                        cache.Set(key, value, random.Next(1, 4096), random.Next(1, 10_000));
                        break;
                    case 8:
                        if (cache.TryPin(key, out var lease))
                        {
                            Assert.Equal(0, lease.Value.Disposals);
                            lease.Dispose();
                        }

                        break;
                    default:
                        cache.Remove(key);
                        break;
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(cache.SizeBytes, budget.UsedBytes);
        Assert.True(cache.SizeBytes <= 64 * 1024, $"{cache.SizeBytes} bytes over the 65,536-byte capacity");
        cache.Dispose();
        Assert.Equal(0, budget.UsedBytes);
        Assert.All(created, v => Assert.Equal(1, v.Disposals));
    }

    [Fact]
    public void OnGli_TheDefaultBeatsLru()
    {
        var path = SharedData.Files("traces", "gli.trace.gz")[0];
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var keys = new List<int>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim() is { Length: > 0 } text && text != "*")
            {
                keys.Add(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        double HitRatio(string policy)
        {
            using var cache = new ResourceCache<int, object?>(new MemoryBudget(1000), new ResourceCacheOptions { CapacityItems = 1000, PolicyName = policy });
            var hits = 0;
            foreach (var key in keys)
            {
                if (cache.TryGet(key, out _))
                {
                    hits++;
                }
                else
                {
                    cache.Set(key, null, 1, 1);
                }
            }

            return (double)hits / keys.Count;
        }

        var lru = HitRatio("lru");
        var costAware = HitRatio(EvictionPolicies.Default);
        Assert.True(costAware > lru + 0.2, $"cost-aware {costAware:F4} vs lru {lru:F4} on gli at 1000 items");
    }
}
