namespace MediaMemory.Pressure;

/// <summary>
/// Settings of a <see cref="BudgetSource"/>; validated when the source is built. <see cref="PollingSourceOptions.Interval"/>
/// — how often to read use and limit besides the budget's events, since a plain reservation or release raises
/// none — defaults to 100 ms (arbitrary: a few frames at 30–60 fps; a read is two volatile loads);
/// <see cref="Timeout.InfiniteTimeSpan"/> reads on events only.
/// </summary>
public sealed class BudgetSourceOptions : PollingSourceOptions
{
    /// <summary>Creates the settings with their defaults.</summary>
    public BudgetSourceOptions()
        : base(TimeSpan.FromMilliseconds(100))
    {
    }

    /// <summary>Bytes in use as a percentage of the limit (or of <see cref="ReferenceLimitBytes"/>). Default
    /// Warning ≥ 85 %, Critical ≥ 95 % (arbitrary: late enough that a budget doing its job — full of
    /// caches it can trim — is not called pressed, early enough to act before reservations are refused).</summary>
    public PressureThresholds Thresholds { get; init; } = new(85, 95);

    /// <summary>
    /// When set, use is measured against this fixed number of bytes (&gt; 0) instead of the budget's current
    /// limit, so that lowering the limit in answer to pressure does not itself raise the level; see
    /// <see cref="BudgetSource"/>. Typically the budget at Normal pressure
    /// (<see cref="Platform.BudgetPolicy.BudgetBytes"/>). Default null: the current limit.
    /// </summary>
    public long? ReferenceLimitBytes { get; init; }

    internal override void Validate()
    {
        ArgumentNullException.ThrowIfNull(Thresholds, nameof(Thresholds));
        if (ReferenceLimitBytes is { } reference)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(reference, nameof(ReferenceLimitBytes));
        }

        base.Validate();
    }
}
