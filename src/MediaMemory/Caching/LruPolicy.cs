using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>
/// Least recently used: the entry whose last request is oldest leaves first; everything is admitted.
/// Size and cost are ignored. A baseline to compare the default against.
/// </summary>
/// <remarks>
/// Recency is the entry's <see cref="CacheEntry.LastAccessTick"/>, which hits write without a lock; the
/// order is a min-heap re-sorted lazily at eviction (see <c>EntryHeap</c>), so a hit costs no lock and an
/// eviction O(log n) per stale entry met. Not thread-safe by itself: the cache calls it under its lock.
/// </remarks>
public sealed class LruPolicy : IEvictionPolicy
{
    /// <summary>The name <see cref="EvictionPolicies.Create"/> knows this policy by.</summary>
    public const string PolicyName = "lru";

    private static readonly Func<CacheEntry, double> Recency = static e => e.PolicyStamp;
    private readonly EntryHeap _heap = new();
    private bool _initialized;

    /// <inheritdoc />
    public string Name => PolicyName;

    /// <inheritdoc />
    public void Initialize(long capacityBytes, int capacityItems)
    {
        InvalidOperationExceptionIf(_initialized);
        _initialized = true;
    }

    /// <inheritdoc />
    public void RecordAccess(int keyHash)
    {
    }

    /// <inheritdoc />
    public void OnAdded(CacheEntry entry, long tick)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.PolicyStamp = entry.LastAccessTick;
        entry.PolicyPriority = entry.PolicyStamp;
        entry.PolicyTieBreak = tick;
        _heap.Add(entry);
    }

    /// <inheritdoc />
    public void OnRemoved(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _heap.Remove(entry);
    }

    /// <inheritdoc />
    public CacheEntry? TakeVictim(long tick) => _heap.TakeMin(Recency);

    /// <inheritdoc />
    public bool Admit(CacheEntry candidate, IReadOnlyList<CacheEntry> victims) => true;

    internal static void InvalidOperationExceptionIf(bool initialized)
    {
        if (initialized)
        {
            throw new InvalidOperationException("an eviction policy serves one cache; make another with EvictionPolicies.Create");
        }
    }
}
