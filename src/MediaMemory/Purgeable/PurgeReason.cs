namespace MediaMemory.Purgeable;

/// <summary>Why a <see cref="PurgeableBuffer"/> lost its contents.</summary>
public enum PurgeReason
{
    /// <summary>Its owner set <see cref="PurgeableState.Empty"/>.</summary>
    Requested = 0,

    /// <summary>The kernel reclaimed at least one of its pages while it was volatile (found on return).</summary>
    Kernel = 1,

    /// <summary>The pressure response purged it at <see cref="Pressure.PressureLevel.Critical"/>.</summary>
    CriticalPressure = 2,

    /// <summary>The budget asked the registry (as a reclaimer) for memory for a request of higher priority.</summary>
    BudgetReclaim = 3,
}
