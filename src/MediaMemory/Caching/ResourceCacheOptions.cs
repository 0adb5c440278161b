using MediaMemory.Pressure;

namespace MediaMemory.Caching;

/// <summary>Settings of a <see cref="ResourceCache{TKey, TValue}"/>; validated when the cache is built.</summary>
public sealed class ResourceCacheOptions
{
    /// <summary>A name for reports, logs and the budget's reclaimer list. Default "resource-cache".</summary>
    public string Name { get; init; } = "resource-cache";

    /// <summary>Most bytes the cache holds, &gt; 0; 0 (the default) means the budget's limit (read when the
    /// cache is built). The cache also stays within what the budget grants, whichever is less.</summary>
    public long CapacityBytes { get; init; }

    /// <summary>Most entries the cache holds, ≥ 0; 0 (the default) means no bound on the count, only on bytes.</summary>
    public int CapacityItems { get; init; }

    /// <summary>The eviction policy's name (<see cref="EvictionPolicies.Names"/>). Default <see cref="EvictionPolicies.Default"/>.
    /// Ignored when <see cref="Policy"/> is set.</summary>
    public string PolicyName { get; init; } = EvictionPolicies.Default;

    /// <summary>A policy instance to use instead of <see cref="PolicyName"/> (one instance per cache). Default none.</summary>
    public IEvictionPolicy? Policy { get; init; }

    /// <summary>Where <see cref="ResourceCache{TKey, TValue}.Prefetch"/> runs its work. Default none: prefetching is refused.</summary>
    public BackgroundWork? BackgroundWork { get; init; }
}
