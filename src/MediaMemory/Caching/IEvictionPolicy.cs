namespace MediaMemory.Caching;

/// <summary>
/// Decides which entry of a <see cref="ResourceCache{TKey, TValue}"/> leaves first, and whether a new
/// entry is worth storing at all. One instance serves one cache (it keeps per-entry state); make them
/// with <see cref="EvictionPolicies.Create"/>.
/// </summary>
/// <remarks>
/// Threading contract: <see cref="RecordAccess"/> is called on the cache's hot path from any thread,
/// without a lock, and must neither block nor allocate. Every other member is called under the cache's
/// lock, one call at a time, and must not call back into the cache.
/// </remarks>
public interface IEvictionPolicy
{
    /// <summary>The policy's name, as <see cref="EvictionPolicies.Create"/> accepts it.</summary>
    string Name { get; }

    /// <summary>Called once, before anything else, with the cache's bounds.</summary>
    /// <param name="capacityBytes">The cache's capacity in bytes (&gt; 0).</param>
    /// <param name="capacityItems">The cache's capacity in entries, or 0 when only bytes bound it.</param>
    void Initialize(long capacityBytes, int capacityItems);

    /// <summary>A request for a key, hit or miss. Any thread, no lock; must not block or allocate.</summary>
    void RecordAccess(int keyHash);

    /// <summary>A new entry joined the cache (or an entry returned from <see cref="TakeVictim"/> is put back).</summary>
    void OnAdded(CacheEntry entry, long tick);

    /// <summary>An entry left the cache by other means than <see cref="TakeVictim"/> (removed, replaced).</summary>
    void OnRemoved(CacheEntry entry);

    /// <summary>Takes the entry that should leave first out of the policy's order, or null when it holds none.
    /// The cache either evicts it or, if it cannot (pinned, or the admission failed), puts it back with
    /// <see cref="OnAdded"/>.</summary>
    CacheEntry? TakeVictim(long tick);

    /// <summary>True if <paramref name="candidate"/> (not yet stored) is worth evicting all of <paramref name="victims"/> for
    /// (the entries the policy chose to make room for it, not empty).</summary>
    bool Admit(CacheEntry candidate, IReadOnlyList<CacheEntry> victims);
}
