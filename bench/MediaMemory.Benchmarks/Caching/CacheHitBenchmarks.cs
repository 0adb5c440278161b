using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lfu;
using MediaMemory.Budgeting;
using MediaMemory.Caching;
using Microsoft.Extensions.Caching.Memory;

namespace MediaMemory.Benchmarks.Caching;

/// <summary>
/// One cache hit on one thread: <see cref="ResourceCache{TKey, TValue}.TryGet"/> against BitFaster's
/// ConcurrentLfu (baseline) and Microsoft.Extensions.Caching.Memory's MemoryCache, in the same run.
/// </summary>
/// <remarks>
/// Each cache holds the same <see cref="Keys"/> int keys (all resident: capacity is ample) and every
/// method reads the next key from the same seeded table, so all pay the same for picking a key.
/// Target (issue 5): 0 managed bytes and ≤ 100 ns per hit (≥ 10 M hits/s).
/// </remarks>
[MemoryDiagnoser]
public class CacheHitBenchmarks
{
    private const int Keys = 1024; // arbitrary: a warm working set of tiles/thumbnails
    private const int Mask = Keys - 1;
    private const int Seed = 20_261_126;

    private readonly int[] _order = new int[Keys];
    private readonly object _value = new();
    private ResourceCache<int, object> _cache = null!;
    private ConcurrentLfu<int, object> _lfu = null!;
    private MemoryCache _memoryCache = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Seed);
        for (var i = 0; i < Keys; i++)
        {
            _order[i] = random.Next(Keys);
        }

        _cache = new ResourceCache<int, object>(new MemoryBudget(1L << 40), new ResourceCacheOptions { CapacityBytes = 1L << 40 });
        _lfu = new ConcurrentLfu<int, object>(Keys * 2);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        for (var key = 0; key < Keys; key++)
        {
            _cache.Set(key, _value, 1 << 20, 1000);
            _lfu.AddOrUpdate(key, _value);
            _memoryCache.Set(key, _value);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _memoryCache.Dispose();
    }

    [Benchmark(Baseline = true, Description = "BitFaster ConcurrentLfu.TryGet (hit)")]
    public object? ConcurrentLfuHit()
    {
        _lfu.TryGet(_order[_next++ & Mask], out var value);
        return value;
    }

    [Benchmark(Description = "ResourceCache.TryGet (hit)")]
    public object? ResourceCacheHit()
    {
        _cache.TryGet(_order[_next++ & Mask], out var value);
        return value;
    }

    [Benchmark(Description = "MemoryCache.TryGetValue (hit)")]
    public object? MemoryCacheHit()
    {
        _memoryCache.TryGetValue(_order[_next++ & Mask], out var value);
        return value;
    }
}
