namespace MediaMemory.Caching;

/// <summary>
/// The specification's weighted score: the entry with the highest
/// <c>0.3·age + 0.3·size/limit + 0.2·cost + 0.2·(1/access count)</c> leaves first; everything is admitted.
/// </summary>
/// <remarks>
/// <para>
/// Where this departs from the specification: the specification takes age in raw seconds, which grows
/// without bound and swamps the three other terms (all in 0…1), so the policy degenerates into LRU. Here
/// every term is normalised to 0…1: age is the entry's idle time in requests divided by a window — the
/// number of resident entries, the idle time after which an LRU of that size would have dropped it —
/// capped at 1; size is divided by the cache's byte capacity; cost is divided by the largest cost among
/// the resident entries; access count is the entry's requests while resident (≥ 1).
/// </para>
/// <para>
/// Eviction scans every resident entry, O(n); the policy is a reference, not the default. Not
/// thread-safe by itself: the cache calls it under its lock.
/// </para>
/// </remarks>
public sealed class SeedWeightedPolicy : IEvictionPolicy
{
    /// <summary>The name <see cref="EvictionPolicies.Create"/> knows this policy by.</summary>
    public const string PolicyName = "seed-weighted";

    // The specification's weights.
    private const double AgeWeight = 0.3;
    private const double SizeWeight = 0.3;
    private const double CostWeight = 0.2;
    private const double RarityWeight = 0.2;

    private readonly List<CacheEntry> _entries = [];
    private long _capacityBytes = 1;
    private bool _initialized;

    /// <inheritdoc />
    public string Name => PolicyName;

    /// <inheritdoc />
    public void Initialize(long capacityBytes, int capacityItems)
    {
        LruPolicy.InvalidOperationExceptionIf(_initialized);
        _initialized = true;
        _capacityBytes = Math.Max(1, capacityBytes);
    }

    /// <inheritdoc />
    public void RecordAccess(int keyHash)
    {
    }

    /// <inheritdoc />
    public void OnAdded(CacheEntry entry, long tick)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.PolicyIndex = _entries.Count;
        _entries.Add(entry);
    }

    /// <inheritdoc />
    public void OnRemoved(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var index = entry.PolicyIndex;
        if ((uint)index < (uint)_entries.Count && ReferenceEquals(_entries[index], entry))
        {
            RemoveAt(index);
        }
    }

    /// <inheritdoc />
    public CacheEntry? TakeVictim(long tick)
    {
        if (_entries.Count == 0)
        {
            return null;
        }

        long maxCost = 1;
        foreach (var e in _entries)
        {
            maxCost = Math.Max(maxCost, e.CostMicros);
        }

        double window = _entries.Count;
        var best = 0;
        var bestScore = double.MinValue;
        for (var i = 0; i < _entries.Count; i++)
        {
            var score = Score(_entries[i], tick, window, maxCost);
            if (score > bestScore)
            {
                (best, bestScore) = (i, score);
            }
        }

        var victim = _entries[best];
        RemoveAt(best);
        return victim;
    }

    /// <inheritdoc />
    public bool Admit(CacheEntry candidate, IReadOnlyList<CacheEntry> victims) => true;

    /// <summary>The normalised score (higher leaves first); see the remarks for each term.</summary>
    internal double Score(CacheEntry entry, long tick, double window, long maxCost)
    {
        var age = Math.Min(1.0, Math.Max(0, tick - entry.LastAccessTick) / Math.Max(1.0, window));
        var size = Math.Min(1.0, (double)entry.SizeBytes / _capacityBytes);
        var cost = (double)entry.CostMicros / maxCost;
        var rarity = 1.0 / Math.Max(1, entry.AccessCount);
        return (AgeWeight * age) + (SizeWeight * size) + (CostWeight * cost) + (RarityWeight * rarity);
    }

    private void RemoveAt(int index)
    {
        var last = _entries.Count - 1;
        _entries[index].PolicyIndex = -1;
        if (index != last)
        {
            _entries[index] = _entries[last];
            _entries[index].PolicyIndex = index;
        }

        _entries.RemoveAt(last);
    }
}
