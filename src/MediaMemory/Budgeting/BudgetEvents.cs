namespace MediaMemory.Budgeting;

/// <summary>The budget's limit changed.</summary>
/// <param name="oldLimitBytes">Limit before, in bytes.</param>
/// <param name="newLimitBytes">Limit after, in bytes.</param>
/// <param name="usedBytes">Bytes in use when the limit changed.</param>
/// <param name="at">When, from the budget's <see cref="TimeProvider"/>.</param>
public sealed class BudgetLimitChangedEventArgs(long oldLimitBytes, long newLimitBytes, long usedBytes, DateTimeOffset at) : EventArgs
{
    /// <summary>Limit before, in bytes.</summary>
    public long OldLimitBytes { get; } = oldLimitBytes;

    /// <summary>Limit after, in bytes.</summary>
    public long NewLimitBytes { get; } = newLimitBytes;

    /// <summary>Bytes in use when the limit changed.</summary>
    public long UsedBytes { get; } = usedBytes;

    /// <summary>When.</summary>
    public DateTimeOffset At { get; } = at;
}

/// <summary>A reservation was refused.</summary>
/// <param name="requestedBytes">Bytes asked for.</param>
/// <param name="category">Category asked for.</param>
/// <param name="priority">Priority of the request.</param>
/// <param name="availableBytes">Bytes available when it was refused.</param>
/// <param name="reason">Why.</param>
/// <param name="at">When.</param>
public sealed class ReservationRefusedEventArgs(long requestedBytes, AllocationCategory category, Priority priority, long availableBytes, RefusalReason reason, DateTimeOffset at) : EventArgs
{
    /// <summary>Bytes asked for.</summary>
    public long RequestedBytes { get; } = requestedBytes;

    /// <summary>Category asked for.</summary>
    public AllocationCategory Category { get; } = category;

    /// <summary>Priority of the request.</summary>
    public Priority Priority { get; } = priority;

    /// <summary>Bytes available when it was refused.</summary>
    public long AvailableBytes { get; } = availableBytes;

    /// <summary>Why.</summary>
    public RefusalReason Reason { get; } = reason;

    /// <summary>When.</summary>
    public DateTimeOffset At { get; } = at;
}

/// <summary>A reclaimer was asked for memory.</summary>
/// <param name="reclaimer">The reclaimer's name.</param>
/// <param name="requestedBytes">Bytes the budget asked for.</param>
/// <param name="releasedBytes">Bytes released during the call by the budget's own accounting.</param>
/// <param name="claimedBytes">What the reclaimer said it released.</param>
/// <param name="reason">Why it was asked.</param>
/// <param name="at">When.</param>
public sealed class MemoryReclaimedEventArgs(string reclaimer, long requestedBytes, long releasedBytes, long claimedBytes, ReclaimReason reason, DateTimeOffset at) : EventArgs
{
    /// <summary>The reclaimer's name.</summary>
    public string Reclaimer { get; } = reclaimer;

    /// <summary>Bytes the budget asked for.</summary>
    public long RequestedBytes { get; } = requestedBytes;

    /// <summary>Bytes released during the call, by the budget's own accounting (token releases on
    /// the calling thread), not the reclaimer's claim.</summary>
    public long ReleasedBytes { get; } = releasedBytes;

    /// <summary>What the reclaimer said it released.</summary>
    public long ClaimedBytes { get; } = claimedBytes;

    /// <summary>Why it was asked.</summary>
    public ReclaimReason Reason { get; } = reason;

    /// <summary>When.</summary>
    public DateTimeOffset At { get; } = at;
}

/// <summary>What <see cref="MemoryBudget.SetLimit"/> did.</summary>
/// <param name="OldLimitBytes">Limit before.</param>
/// <param name="NewLimitBytes">Limit after.</param>
/// <param name="ReclaimedBytes">Bytes reclaimers released to get under the new limit.</param>
/// <param name="UnreclaimedBytes">Bytes still in use above the new limit (0 when it fits); new
/// reservations are refused until holders release that much.</param>
public sealed record LimitChangeResult(long OldLimitBytes, long NewLimitBytes, long ReclaimedBytes, long UnreclaimedBytes);
