namespace MediaMemory.Budgeting;

/// <summary>A consistent copy of a budget's accounting, taken under its lock.</summary>
/// <param name="LimitBytes">Limit in bytes.</param>
/// <param name="UsedBytes">Bytes reserved now.</param>
/// <param name="PeakUsedBytes">Most bytes ever reserved at once.</param>
/// <param name="UsedByCategory">Bytes reserved now, indexed by <see cref="AllocationCategory"/>.</param>
/// <param name="PeakByCategory">Most bytes ever reserved at once per category.</param>
/// <param name="Reservations">Reservations granted.</param>
/// <param name="Refusals">Reservations refused.</param>
/// <param name="ReclaimedBytes">Bytes released by reclaimers, by the budget's accounting.</param>
/// <param name="LiveTokens">Tokens held now.</param>
public sealed record BudgetSnapshot(
    long LimitBytes,
    long UsedBytes,
    long PeakUsedBytes,
    IReadOnlyList<long> UsedByCategory,
    IReadOnlyList<long> PeakByCategory,
    long Reservations,
    long Refusals,
    long ReclaimedBytes,
    int LiveTokens)
{
    /// <summary>
    /// Bytes reserved now that their holders marked volatile (<see cref="MemoryBudget.SetVolatile"/>): part of
    /// <see cref="UsedBytes"/>, in no category of <see cref="UsedByCategory"/>.
    /// </summary>
    public long VolatileBytes { get; init; }

    /// <summary>Bytes that can still be reserved without reclaiming.</summary>
    public long AvailableBytes => Math.Max(0, LimitBytes - UsedBytes);

    /// <summary>Bytes in use now for <paramref name="category"/>.</summary>
    public long UsedBy(AllocationCategory category) => UsedByCategory[(int)category];

    /// <summary>Peak bytes for <paramref name="category"/>.</summary>
    public long PeakBy(AllocationCategory category) => PeakByCategory[(int)category];
}
