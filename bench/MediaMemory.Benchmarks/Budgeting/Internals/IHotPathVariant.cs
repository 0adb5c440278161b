namespace MediaMemory.Benchmarks.Budgeting.Internals;

/// <summary>
/// Switches for <see cref="HotPathPrototype{TVariant}"/>. Implemented by empty structs, so the JIT
/// specialises the prototype per variant and folds each switch away (as BitFaster.Caching does for
/// telemetry).
/// </summary>
internal interface IHotPathVariant
{
    /// <summary>Validate size, category and priority on every reserve, as TryReserve does.</summary>
    static abstract bool ValidateArguments { get; }

    /// <summary>Add released bytes to a [ThreadStatic] counter on every release, as ReleaseCore does.</summary>
    static abstract bool ThreadStaticReleaseAccounting { get; }

    /// <summary>Check Counter.Enabled after every reserve, as TryReserveCore does.</summary>
    static abstract bool MetricsEnabledCheck { get; }

    /// <summary>Keep the total and per-category peaks and the reservation/live counters.</summary>
    static abstract bool Statistics { get; }

    /// <summary>Guard with a test-and-set spin lock released by a plain store, instead of <see cref="Lock"/>.</summary>
    static abstract bool SpinLock { get; }
}
