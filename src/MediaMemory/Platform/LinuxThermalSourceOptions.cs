using MediaMemory.Pressure;

namespace MediaMemory.Platform;

/// <summary>
/// Settings of a <see cref="LinuxThermalSource"/>; validated when the source is built.
/// <see cref="PollingSourceOptions.Interval"/> defaults to 1 s (arbitrary: temperatures change over seconds, and
/// each read costs a few small sysfs files per zone); it must be positive.
/// </summary>
public sealed class LinuxThermalSourceOptions : PollingSourceOptions
{
    /// <summary>Creates the settings with their defaults.</summary>
    public LinuxThermalSourceOptions()
        : base(TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>The directory holding <c>thermal_zoneN</c>. Default <c>/sys/class/thermal</c>; tests point it at a
    /// directory of recorded sysfs files.</summary>
    public string RootDirectory { get; init; } = ThermalZone.DefaultRootDirectory;

    /// <inheritdoc />
    private protected override bool AllowsNoInterval => false;

    internal override void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(RootDirectory, nameof(RootDirectory));
        base.Validate();
    }
}
