namespace MediaMemory.Caching;

/// <summary>Counters of a <see cref="ResourceCache{TKey, TValue}"/> since it was made.</summary>
/// <param name="Hits">Requests that found their entry.</param>
/// <param name="Misses">Requests that did not.</param>
/// <param name="Stores">Entries stored (by Set, GetOrCreateAsync or prefetch).</param>
/// <param name="Rejections">Values not stored: refused by the policy's admission, by the prefetch rule, or by the budget.</param>
/// <param name="Removals">Entries that left the cache, indexed by <see cref="CacheRemovalReason"/>.</param>
/// <param name="Count">Entries resident now.</param>
/// <param name="SizeBytes">Bytes of the resident entries now.</param>
public sealed record CacheStatistics(long Hits, long Misses, long Stores, long Rejections, IReadOnlyList<long> Removals, int Count, long SizeBytes)
{
    /// <summary>Hits / (hits + misses), or 0 before any request.</summary>
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}
