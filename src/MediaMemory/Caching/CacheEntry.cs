namespace MediaMemory.Caching;

/// <summary>
/// What an <see cref="IEvictionPolicy"/> sees of a cached entry: its size, its recreation cost and its
/// access statistics. The key and the value stay with the cache.
/// </summary>
/// <remarks>
/// Thread-safe to read: hits on any thread, without the cache's lock, write <see cref="LastAccessTick"/>
/// with a volatile write and bump <see cref="AccessCount"/> with a plain increment (not atomic: concurrent
/// hits can lose a bump, an accepted race). A policy reading them under the cache's lock sees each field
/// whole, but possibly behind by the hits in flight and short by the bumps lost.
/// Ticks are the cache's logical clock: one tick per request (hit, miss or set), not time.
/// </remarks>
public abstract class CacheEntry
{
    // State word: the low 30 bits count pins, RemovedFlag marks an entry that left the cache. An
    // eviction is a compare-exchange from 0 (unpinned, resident) to RemovedFlag, so a pin taken
    // concurrently either lands first (the eviction fails) or sees the flag (the pin fails).
    internal const int RemovedFlag = 1 << 30;
    internal int State;

    // Policy-owned slots, touched only under the cache's lock by the one policy the entry belongs to.
    internal int PolicyIndex = -1;
    internal double PolicyPriority;
    internal long PolicyStamp;
    internal long PolicyTieBreak;
    internal bool PolicyInMain;

    internal int AccessCountField;
    internal long LastAccessField;

    private protected CacheEntry(int keyHash, long sizeBytes, long costMicros, long createdTick)
    {
        KeyHash = keyHash;
        SizeBytes = sizeBytes;
        CostMicros = costMicros;
        CreatedTick = createdTick;
        LastAccessField = createdTick;
        AccessCountField = 1;
    }

    /// <summary>The key's hash code (the cache's comparer); policies use it for frequency sketches.</summary>
    public int KeyHash { get; }

    /// <summary>The size the caller declared, in bytes; the budget reservation is exactly this.</summary>
    public long SizeBytes { get; }

    /// <summary>What rebuilding the value would cost, in microseconds (as the caller declared).</summary>
    public long CostMicros { get; }

    /// <summary>The logical tick at which the entry was stored.</summary>
    public long CreatedTick { get; }

    /// <summary>Requests that found this entry, plus 1 for the request that stored it.</summary>
    public int AccessCount => Volatile.Read(ref AccessCountField);

    /// <summary>The logical tick of the last request for this entry.</summary>
    public long LastAccessTick => Volatile.Read(ref LastAccessField);

    /// <summary>True while at least one lease pins the entry; a pinned entry is never evicted.</summary>
    public bool IsPinned => (Volatile.Read(ref State) & ~RemovedFlag) > 0;

    /// <summary>True once the entry has left the cache (evicted, removed, replaced or purged).</summary>
    public bool IsRemoved => (Volatile.Read(ref State) & RemovedFlag) != 0;
}
