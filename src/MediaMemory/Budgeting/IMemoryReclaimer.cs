namespace MediaMemory.Budgeting;

/// <summary>
/// A holder that can give memory back to a <see cref="MemoryBudget"/> on request (a cache that
/// evicts, a pool that trims, a store that compresses).
/// </summary>
/// <remarks>
/// The budget calls <see cref="Reclaim"/> without holding its lock, on the thread whose reservation
/// did not fit (or that lowered the limit), so an implementation frees by disposing its
/// <see cref="AllocationToken"/>s. It must be thread-safe: several threads may ask at once. It must
/// not reserve from the budget inside <see cref="Reclaim"/>: such a reservation is refused rather
/// than reclaimed recursively.
/// </remarks>
public interface IMemoryReclaimer
{
    /// <summary>A name for reports and logs.</summary>
    string Name { get; }

    /// <summary>The priority of the memory this reclaimer holds; only requests of strictly higher
    /// priority take it.</summary>
    Priority Priority { get; }

    /// <summary>An estimate, in bytes, of what <see cref="Reclaim"/> could free now; the budget asks
    /// the most reclaimable first within a priority, and skips reclaimers that report 0.</summary>
    long ReclaimableBytes { get; }

    /// <summary>Frees about <paramref name="bytesWanted"/> bytes (more is fine) by releasing tokens.</summary>
    /// <param name="bytesWanted">Bytes the budget is short of, &gt; 0.</param>
    /// <param name="reason">Why the budget asks.</param>
    /// <returns>Bytes the reclaimer believes it released. The budget trusts its own accounting, not this.</returns>
    long Reclaim(long bytesWanted, ReclaimReason reason);
}
