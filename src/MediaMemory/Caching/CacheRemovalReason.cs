namespace MediaMemory.Caching;

/// <summary>Why an entry left a <see cref="ResourceCache{TKey, TValue}"/>.</summary>
public enum CacheRemovalReason
{
    /// <summary>The application removed it (<see cref="ResourceCache{TKey, TValue}.Remove"/>).</summary>
    Removed = 0,

    /// <summary>A new value was stored under its key.</summary>
    Replaced = 1,

    /// <summary>Evicted to make room for a new entry.</summary>
    Evicted = 2,

    /// <summary>Evicted by <see cref="ResourceCache{TKey, TValue}.Trim"/> (or a Warning pressure response).</summary>
    Trimmed = 3,

    /// <summary>Dropped by <see cref="ResourceCache{TKey, TValue}.PurgeAll"/> (or a Critical pressure response, or disposal).</summary>
    Purged = 4,

    /// <summary>Evicted because the budget asked the cache, as a reclaimer, for memory.</summary>
    Reclaimed = 5,
}
