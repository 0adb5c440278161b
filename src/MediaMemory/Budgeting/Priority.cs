namespace MediaMemory.Budgeting;

/// <summary>
/// How much a holder needs its memory. A reservation that does not fit may make reclaimers of
/// strictly lower priority give memory back; never those of its own priority or higher.
/// </summary>
public enum Priority
{
    /// <summary>Nice to have: caches, prefetched data.</summary>
    Low = 0,

    /// <summary>Ordinary working memory.</summary>
    Normal = 1,

    /// <summary>Needed for what the user sees now (the current frame, the open image).</summary>
    High = 2,

    /// <summary>Needed to keep running or to avoid losing data; never reclaimed for others.</summary>
    Essential = 3,
}
