namespace MediaMemory.Pressure;

/// <summary>
/// Settings of a <see cref="GcMemoryLoadSource"/>; validated when the source is built. <see cref="PollingSourceOptions.Interval"/>
/// defaults to 1 s (arbitrary: the GC's figures only change at a GC, so a faster poll mostly rereads the same
/// numbers); <see cref="Timeout.InfiniteTimeSpan"/> reads after gen-2 GCs only.
/// </summary>
public sealed class GcMemoryLoadSourceOptions : PollingSourceOptions
{
    /// <summary>Creates the settings with their defaults.</summary>
    public GcMemoryLoadSourceOptions()
        : base(TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>
    /// Memory load as a percentage of the GC's high memory load threshold. Default Warning ≥ 70 %, Critical
    /// ≥ 90 %: the medium and high pressure thresholds (0.70, 0.90) of the runtime's
    /// <c>Utilities.GetMemoryPressure</c>, which decides how hard <c>ArrayPool&lt;T&gt;.Shared</c> trims.
    /// </summary>
    public PressureThresholds Thresholds { get; init; } = new(70, 90);

    /// <summary>Read the memory load after each gen-2 GC, as the runtime's pools trim. Default true.</summary>
    public bool CheckAfterGen2Gc { get; init; } = true;

    internal override void Validate()
    {
        ArgumentNullException.ThrowIfNull(Thresholds, nameof(Thresholds));
        base.Validate();
    }
}
