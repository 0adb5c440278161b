using MediaMemory.Units;

namespace MediaMemory.Budgeting;

/// <summary>
/// A reservation did not fit even after reclaiming. The message gives the request, the category,
/// what was available and the largest categories.
/// </summary>
public sealed class MemoryBudgetExceededException : Exception
{
    /// <summary>Creates the exception from the refused request and the budget's state.</summary>
    public MemoryBudgetExceededException(long requestedBytes, AllocationCategory category, RefusalReason reason, BudgetSnapshot snapshot)
        : base(Describe(requestedBytes, category, reason, snapshot ?? throw new ArgumentNullException(nameof(snapshot))))
    {
        RequestedBytes = requestedBytes;
        Category = category;
        Reason = reason;
        AvailableBytes = snapshot.AvailableBytes;
        LimitBytes = snapshot.LimitBytes;
    }

    /// <summary>Creates the exception for a refusal reported by someone who reserves on a caller's behalf (a heap
    /// adding a block): <paramref name="context"/> says what the caller asked for, the rest as above.</summary>
    internal MemoryBudgetExceededException(string context, long requestedBytes, AllocationCategory category, RefusalReason reason, BudgetSnapshot snapshot)
        : base(context + " " + Describe(requestedBytes, category, reason, snapshot))
    {
        RequestedBytes = requestedBytes;
        Category = category;
        Reason = reason;
        AvailableBytes = snapshot.AvailableBytes;
        LimitBytes = snapshot.LimitBytes;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public MemoryBudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public MemoryBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public MemoryBudgetExceededException()
    {
    }

    /// <summary>Bytes asked for.</summary>
    public long RequestedBytes { get; }

    /// <summary>Category asked for.</summary>
    public AllocationCategory Category { get; }

    /// <summary>Why it was refused.</summary>
    public RefusalReason Reason { get; }

    /// <summary>Bytes available when refused.</summary>
    public long AvailableBytes { get; }

    /// <summary>The budget's limit when refused.</summary>
    public long LimitBytes { get; }

    private static string Describe(long requestedBytes, AllocationCategory category, RefusalReason reason, BudgetSnapshot snapshot)
    {
        var largest = Enum.GetValues<AllocationCategory>()
            .Where(c => snapshot.UsedBy(c) > 0)
            .OrderByDescending(snapshot.UsedBy)
            .Take(3)
            .Select(c => $"{c} {ByteSize.Format(snapshot.UsedBy(c))}")
            .ToList();
        var why = reason switch
        {
            RefusalReason.LargerThanLimit => "the request is larger than the whole limit",
            RefusalReason.InsideReclaim => "it was made inside a reclaimer, which may not reserve",
            RefusalReason.BlockLimit => "the heap already has its MaxBlocks blocks (the budget was not asked)",
            _ => "reclaimers of lower priority could not free enough",
        };
        return $"Cannot reserve {ByteSize.Format(requestedBytes)} ({requestedBytes} bytes) for {category}: " +
               $"{ByteSize.Format(snapshot.AvailableBytes)} of {ByteSize.Format(snapshot.LimitBytes)} available and {why}. " +
               $"Largest categories: {(largest.Count == 0 ? "none" : string.Join(", ", largest))}.";
    }
}
