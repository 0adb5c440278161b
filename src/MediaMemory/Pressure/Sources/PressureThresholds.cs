namespace MediaMemory.Pressure;

/// <summary>
/// Where a use-against-limit percentage turns into a pressure level: Warning at or above
/// <see cref="WarningPercent"/>, Critical at or above <see cref="CriticalPercent"/>, Normal below.
/// Used by <see cref="GcMemoryLoadSource"/> and <see cref="BudgetSource"/>.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PressureThresholds
{
    /// <summary>Creates thresholds.</summary>
    /// <param name="warningPercent">Warning at or above this percentage; finite and &gt; 0.</param>
    /// <param name="criticalPercent">Critical at or above this percentage; finite and ≥ <paramref name="warningPercent"/>
    /// (equal skips Warning). May exceed 100: use can exceed its limit.</param>
    /// <exception cref="ArgumentOutOfRangeException">A percentage is not finite, not positive, or Critical is below Warning.</exception>
    public PressureThresholds(double warningPercent, double criticalPercent)
    {
        if (!double.IsFinite(warningPercent) || warningPercent <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warningPercent), warningPercent, "the warning threshold must be a finite percentage above 0");
        }

        if (!double.IsFinite(criticalPercent) || criticalPercent < warningPercent)
        {
            throw new ArgumentOutOfRangeException(nameof(criticalPercent), criticalPercent, $"the critical threshold must be a finite percentage at or above the warning threshold ({warningPercent})");
        }

        WarningPercent = warningPercent;
        CriticalPercent = criticalPercent;
    }

    /// <summary>Warning at or above this percentage.</summary>
    public double WarningPercent { get; }

    /// <summary>Critical at or above this percentage.</summary>
    public double CriticalPercent { get; }

    /// <summary>The level of <paramref name="percent"/>; NaN is Normal.</summary>
    public PressureLevel Classify(double percent) =>
        percent >= CriticalPercent ? PressureLevel.Critical
        : percent >= WarningPercent ? PressureLevel.Warning
        : PressureLevel.Normal;

    /// <summary>E.g. <c>warning ≥ 70 %, critical ≥ 90 %</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"warning ≥ {WarningPercent} %, critical ≥ {CriticalPercent} %");
}
