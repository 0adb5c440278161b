using MediaMemory.Budgeting;
using MediaMemory.Caching;

namespace MediaMemory.Cli.Cache;

/// <summary>The policies <c>mediamem cache replay</c> runs: the library's and its peers.</summary>
internal static class ReplayPolicies
{
    /// <summary>Library policies first (default first), then the peers.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. EvictionPolicies.Names, "bitfaster-lfu", "bitfaster-lru", "memorycache", "belady"];

    public static bool IsDefault(string name) => string.Equals(name, EvictionPolicies.Default, StringComparison.OrdinalIgnoreCase);

    /// <summary>A cache for <paramref name="name"/>, or null when the policy does not apply (Belady on a trace with sizes).</summary>
    public static IReplayCache? Create(string name, Trace trace, ReplayPlan plan) => name.ToLowerInvariant() switch
    {
        "bitfaster-lfu" => new BitFasterLfuReplay(plan.PeerItems),
        "bitfaster-lru" => new BitFasterLruReplay(plan.PeerItems),
        "memorycache" => new MemoryCacheReplay(plan.ByteBoundedUnits),
        "belady" => trace.HasSizes ? null : new BeladyReplay(trace.Requests, plan.PeerItems),
        _ => new LibraryCacheReplay(EvictionPolicies.Names.First(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)), plan),
    };
}

/// <summary>
/// The library's <see cref="ResourceCache{TKey, TValue}"/> with one policy and a budget of its own:
/// bounded in bytes for traces with sizes, in items for the others (each object 1 byte), as an
/// application would configure it. Values are one shared object: the replay measures the policy, not
/// rendering.
/// </summary>
internal sealed class LibraryCacheReplay : IReplayCache
{
    private static readonly object Value = new();
    private readonly ResourceCache<long, object> _cache;
    private readonly long _capacityBytes;

    public LibraryCacheReplay(string policy, ReplayPlan plan)
    {
        Name = policy;
        var options = plan.CapacityBytes is { } bytes
            ? new ResourceCacheOptions { CapacityBytes = bytes, PolicyName = policy }
            : new ResourceCacheOptions { CapacityItems = plan.PeerItems, CapacityBytes = plan.PeerItems, PolicyName = policy };
        _capacityBytes = options.CapacityBytes;
        _cache = new ResourceCache<long, object>(new MemoryBudget(options.CapacityBytes), options);
    }

    public string Name { get; }

    public bool TryGet(in TraceRequest request) => _cache.TryGet(request.Key, out _);

    public void Add(in TraceRequest request)
    {
        // An object larger than the whole cache is not cached (a miss every time), as MemoryCache declines it.
        if (request.SizeBytes <= _capacityBytes)
        {
            _cache.Set(request.Key, Value, request.SizeBytes, (long)Math.Round(request.Cost));
        }
    }

    public long HeldUnits(IReadOnlyDictionary<long, long> sizes) => _cache.SizeBytes;

    public void Dispose() => _cache.Dispose();
}
