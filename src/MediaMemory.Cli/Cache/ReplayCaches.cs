using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using BitFaster.Caching.Scheduler;
using Microsoft.Extensions.Caching.Memory;

namespace MediaMemory.Cli.Cache;

/// <summary>One cache under replay: a hit check and an insert after a miss.</summary>
internal interface IReplayCache : IDisposable
{
    /// <summary>The policy name in reports.</summary>
    string Name { get; }

    /// <summary>True when <paramref name="request"/>'s key is cached (a hit).</summary>
    bool TryGet(in TraceRequest request);

    /// <summary>Caches <paramref name="request"/> after a miss (the cache may decline).</summary>
    void Add(in TraceRequest request);

    /// <summary>What the cache holds now: the sum of its objects' sizes (<paramref name="sizes"/>: each
    /// key's size; 1 per object for unit-size traces, so then a count). Item-bounded caches do not know
    /// sizes, so this is how the replay shows what their item capacity holds in bytes. Not on the hot path.</summary>
    long HeldUnits(IReadOnlyDictionary<long, long> sizes);
}

/// <summary>Sums of object sizes over the keys a cache reports.</summary>
internal static class HeldSizes
{
    public static long Sum(IEnumerable<long> keys, IReadOnlyDictionary<long, long> sizes)
    {
        long sum = 0;
        foreach (var key in keys)
        {
            sum += sizes[key];
        }

        return sum;
    }
}

/// <summary>
/// BitFaster.Caching <c>ConcurrentLfu</c> (W-TinyLFU), bounded in items. Its maintenance runs on the
/// replaying thread (<c>ForegroundScheduler</c>): with the default background scheduler a replay that
/// runs flat out outpaces eviction and the cache holds more than its capacity (sprite at 200 items:
/// hit ratio 0.585 that way, 0.475 bounded).
/// </summary>
internal sealed class BitFasterLfuReplay(int capacityItems) : IReplayCache
{
    private static readonly object Value = new();
    private readonly ConcurrentLfu<long, object> _cache = new(1, capacityItems, new ForegroundScheduler(), EqualityComparer<long>.Default);

    public string Name => "bitfaster-lfu";

    public bool TryGet(in TraceRequest request) => _cache.TryGet(request.Key, out _);

    public void Add(in TraceRequest request) => _cache.AddOrUpdate(request.Key, Value);

    public long HeldUnits(IReadOnlyDictionary<long, long> sizes) => HeldSizes.Sum(_cache.Keys, sizes);

    public void Dispose() => _cache.Clear();
}

/// <summary>BitFaster.Caching <c>ConcurrentLru</c> (pseudo-LRU with hot/warm/cold queues), bounded in items.</summary>
internal sealed class BitFasterLruReplay(int capacityItems) : IReplayCache
{
    private static readonly object Value = new();
    private readonly ConcurrentLru<long, object> _cache = new(capacityItems);

    public string Name => "bitfaster-lru";

    public bool TryGet(in TraceRequest request) => _cache.TryGet(request.Key, out _);

    public void Add(in TraceRequest request) => _cache.AddOrUpdate(request.Key, Value);

    public long HeldUnits(IReadOnlyDictionary<long, long> sizes) => HeldSizes.Sum(_cache.Keys, sizes);

    public void Dispose() => _cache.Clear();
}

/// <summary>
/// <c>Microsoft.Extensions.Caching.Memory.MemoryCache</c> with <c>SizeLimit</c> = the capacity and each
/// entry's <c>Size</c> = its bytes (1 for unit-size traces). It compacts on the thread pool when an insert
/// would exceed the limit, declining that insert, as it does in an application.
/// </summary>
internal sealed class MemoryCacheReplay(long capacity) : IReplayCache
{
    private static readonly object Value = new();
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity });

    public string Name => "memorycache";

    public bool TryGet(in TraceRequest request) => _cache.TryGetValue(request.Key, out _);

    public void Add(in TraceRequest request)
    {
        using var entry = _cache.CreateEntry(request.Key);
        entry.Size = request.SizeBytes;
        entry.Value = Value;
    }

    public long HeldUnits(IReadOnlyDictionary<long, long> sizes) => HeldSizes.Sum(_cache.Keys.Cast<long>(), sizes);

    public void Dispose() => _cache.Dispose();
}

/// <summary>
/// Belady's MIN, the offline optimum for unit-size objects: on a miss with the cache full, evict the
/// cached key whose next request is farthest in the future (never requested again first). Needs the
/// whole trace in advance, so it is built from it.
/// </summary>
internal sealed class BeladyReplay : IReplayCache
{
    private readonly int[] _nextUse;
    private readonly int _capacity;
    private readonly Dictionary<long, int> _cachedNext = [];
    private readonly SortedSet<(int NextUse, long Key)> _byNextUse = [];
    private int _position = -1;

    public BeladyReplay(TraceRequest[] requests, int capacityItems)
    {
        _capacity = capacityItems;
        _nextUse = new int[requests.Length];
        var last = new Dictionary<long, int>();
        for (var i = requests.Length - 1; i >= 0; i--)
        {
            // Never again: int.MaxValue minus the index keeps the pairs distinct.
            _nextUse[i] = last.TryGetValue(requests[i].Key, out var next) ? next : int.MaxValue - i;
            last[requests[i].Key] = i;
        }
    }

    public string Name => "belady";

    public bool TryGet(in TraceRequest request)
    {
        _position++;
        if (!_cachedNext.TryGetValue(request.Key, out var next))
        {
            return false;
        }

        _byNextUse.Remove((next, request.Key));
        _cachedNext[request.Key] = _nextUse[_position];
        _byNextUse.Add((_nextUse[_position], request.Key));
        return true;
    }

    public void Add(in TraceRequest request)
    {
        var next = _nextUse[_position];
        if (_cachedNext.Count >= _capacity)
        {
            var farthest = _byNextUse.Max;
            if (farthest.NextUse < next)
            {
                return; // This object is needed later than everything cached: keeping it would be worse.
            }

            _byNextUse.Remove(farthest);
            _cachedNext.Remove(farthest.Key);
        }

        _cachedNext[request.Key] = next;
        _byNextUse.Add((next, request.Key));
    }

    public long HeldUnits(IReadOnlyDictionary<long, long> sizes) => HeldSizes.Sum(_cachedNext.Keys, sizes);

    public void Dispose()
    {
    }
}
