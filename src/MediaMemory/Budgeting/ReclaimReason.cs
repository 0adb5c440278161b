namespace MediaMemory.Budgeting;

/// <summary>Why the budget asks a reclaimer for memory.</summary>
public enum ReclaimReason
{
    /// <summary>A reservation of higher priority did not fit.</summary>
    ReservationDidNotFit,

    /// <summary>The limit was lowered below what is in use.</summary>
    LimitLowered,

    /// <summary>The application asked (<see cref="MemoryBudget.Reclaim"/>).</summary>
    Requested,

    /// <summary>A pressure responder is giving memory back on a level change (the reclaimer frees itself).</summary>
    Pressure,
}
