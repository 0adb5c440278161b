using MediaMemory.Platform;

namespace MediaMemory.Pressure;

/// <summary>
/// Settings of <see cref="CgroupMemorySource"/>. Validated when the source is constructed
/// (<see cref="ArgumentOutOfRangeException"/> naming the property).
/// </summary>
public sealed class CgroupMemorySourceOptions
{
    /// <summary>
    /// The memory cgroup directory to watch; null (the default) for this process's own (found by
    /// <see cref="MemoryLimits.Detect()"/>). All files the source reads are in this directory; a limit set only on an
    /// ancestor is not watched unless this points there.
    /// </summary>
    public string? CgroupDirectory { get; init; }

    /// <summary>The hierarchy <see cref="CgroupDirectory"/> belongs to; required (V1 or V2) with a directory, and left
    /// <see cref="CgroupVersion.None"/> without one (then detected).</summary>
    public CgroupVersion Version { get; init; }

    /// <summary>Watch the kernel's events (v1 <c>memory.pressure_level</c>, v2 <c>memory.events</c>). Default true.</summary>
    public bool UseEvents { get; init; } = true;

    /// <summary>Compare usage against the limit every <see cref="UsageInterval"/>. Default true.</summary>
    public bool UseUsage { get; init; } = true;

    /// <summary>How often usage is read. Default 100 ms (arbitrary: a tenth of a second bounds how late a
    /// fast-growing process notices, for two small file reads); at least 1 ms.</summary>
    public TimeSpan UsageInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Usage at or above this share of the limit, in percent, means Warning. Default 80; more than 0,
    /// less than <see cref="CriticalUsagePercent"/>.</summary>
    public double WarningUsagePercent { get; init; } = 80;

    /// <summary>Usage at or above this share of the limit, in percent, means Critical. Default 92; at most 100.</summary>
    public double CriticalUsagePercent { get; init; } = 92;

    /// <summary>How long a kernel event's level holds before the level returns to what usage says (events say that
    /// pressure began, never that it ended). Default 1 s (arbitrary: longer than a reclaim burst, shorter than a
    /// response's effect); more than 0, at most 1 minute (a hold of 0 would end before the event's level was
    /// ever reported).</summary>
    public TimeSpan EventHold { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How cgroup v1 pressure notifications propagate. Default <see cref="CgroupPressureMode.Default"/>.</summary>
    public CgroupPressureMode V1Mode { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid property.</summary>
    internal void Validate()
    {
        if (CgroupDirectory is not null && Version is not (CgroupVersion.V1 or CgroupVersion.V2))
        {
            throw Invalid(nameof(Version), Version, "with a CgroupDirectory, say which hierarchy it is on (V1 or V2)");
        }

        if (CgroupDirectory is null && Version != CgroupVersion.None)
        {
            throw Invalid(nameof(Version), Version, "is detected when CgroupDirectory is null; leave it None");
        }

        if (UsageInterval < TimeSpan.FromMilliseconds(1))
        {
            throw Invalid(nameof(UsageInterval), UsageInterval, "must be at least 1 ms");
        }

        if (!(WarningUsagePercent > 0) || !(WarningUsagePercent < CriticalUsagePercent))
        {
            throw Invalid(nameof(WarningUsagePercent), WarningUsagePercent, $"must be more than 0 and less than CriticalUsagePercent ({CriticalUsagePercent})");
        }

        if (!(CriticalUsagePercent <= 100))
        {
            throw Invalid(nameof(CriticalUsagePercent), CriticalUsagePercent, "must be at most 100");
        }

        if (EventHold <= TimeSpan.Zero || EventHold > TimeSpan.FromMinutes(1))
        {
            throw Invalid(nameof(EventHold), EventHold, "must be more than 0 and at most 1 minute");
        }

        if (!Enum.IsDefined(V1Mode))
        {
            throw Invalid(nameof(V1Mode), V1Mode, "is not a CgroupPressureMode");
        }

        if (!UseEvents && !UseUsage)
        {
            throw Invalid(nameof(UseUsage), UseUsage, "UseEvents and UseUsage are both false: the source would watch nothing");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string name, object? value, string message) => new(name, value, message);
}
