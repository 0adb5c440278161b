namespace MediaMemory.Benchmarks.Budgeting.Internals;

// One variant per struct; each name says what differs from MemoryBudget's hot path as of this branch.

/// <summary>Everything MemoryBudget's hot path does today.</summary>
internal readonly struct Faithful : IHotPathVariant
{
    public static bool ValidateArguments => true;

    public static bool ThreadStaticReleaseAccounting => true;

    public static bool MetricsEnabledCheck => true;

    public static bool Statistics => true;

    public static bool SpinLock => false;
}

/// <summary>Without the [ThreadStatic] released-bytes counter on release.</summary>
internal readonly struct NoThreadStatic : IHotPathVariant
{
    public static bool ValidateArguments => true;

    public static bool ThreadStaticReleaseAccounting => false;

    public static bool MetricsEnabledCheck => true;

    public static bool Statistics => true;

    public static bool SpinLock => false;
}

/// <summary>Without the metrics Enabled checks.</summary>
internal readonly struct NoMetricsCheck : IHotPathVariant
{
    public static bool ValidateArguments => true;

    public static bool ThreadStaticReleaseAccounting => true;

    public static bool MetricsEnabledCheck => false;

    public static bool Statistics => true;

    public static bool SpinLock => false;
}

/// <summary>Without peaks and reservation/live counters.</summary>
internal readonly struct NoStatistics : IHotPathVariant
{
    public static bool ValidateArguments => true;

    public static bool ThreadStaticReleaseAccounting => true;

    public static bool MetricsEnabledCheck => true;

    public static bool Statistics => false;

    public static bool SpinLock => false;
}

/// <summary>Everything, but guarded by a spin lock whose release is a plain store (no atomic).</summary>
internal readonly struct SpinLocked : IHotPathVariant
{
    public static bool ValidateArguments => true;

    public static bool ThreadStaticReleaseAccounting => true;

    public static bool MetricsEnabledCheck => true;

    public static bool Statistics => true;

    public static bool SpinLock => true;
}
