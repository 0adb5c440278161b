namespace MediaMemory.Caching.Internals;

/// <summary>What became of a store: stored, or why not (so a caller that must store can say why it could not).</summary>
internal enum StoreOutcome
{
    /// <summary>Stored.</summary>
    Stored,

    /// <summary>The cache was disposed.</summary>
    Disposed,

    /// <summary>The key was resident and the store (a prefetch) does not replace.</summary>
    KeyResident,

    /// <summary>The policy's admission preferred the entries it would have evicted.</summary>
    NotAdmitted,

    /// <summary>Room needed an entry costlier than the store may evict (a prefetch's worth).</summary>
    VictimTooCostly,

    /// <summary>Pinned entries hold the capacity (bytes or entries): no unpinned entry was left to evict.</summary>
    CapacityPinned,

    /// <summary>The budget did not have the bytes, even with every entry the store could evict given back.</summary>
    BudgetRefused,

    /// <summary>The object the key holds, stored again while a lease on it is open: refused, the entry stays.</summary>
    SameValuePinned,
}
