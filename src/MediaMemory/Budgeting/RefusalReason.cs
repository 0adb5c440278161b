namespace MediaMemory.Budgeting;

/// <summary>Why a reservation was refused.</summary>
public enum RefusalReason
{
    /// <summary>The request is larger than the whole limit; nothing could make it fit.</summary>
    LargerThanLimit,

    /// <summary>Reclaimers of lower priority could not free enough (or there were none).</summary>
    ReclaimInsufficient,

    /// <summary>The request was made from inside a reclaimer; the budget does not reclaim recursively.</summary>
    InsideReclaim,

    /// <summary>A heap had no room and already had its <c>ResourceHeapOptions.MaxBlocks</c> blocks, so it did not
    /// ask the budget for another; freeing allocations in it makes room.</summary>
    BlockLimit,
}
