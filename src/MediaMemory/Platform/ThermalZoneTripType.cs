namespace MediaMemory.Platform;

/// <summary>The kind of a thermal zone's trip point, as the kernel names it in <c>trip_point_N_type</c>.</summary>
public enum ThermalZoneTripType
{
    /// <summary><c>active</c>: a fan (or other active cooling) switches on; reaching it is normal.</summary>
    Active = 0,

    /// <summary><c>passive</c>: the kernel starts throttling the CPU/GPU.</summary>
    Passive = 1,

    /// <summary><c>hot</c>: the platform is told the zone is hot; the last step before critical.</summary>
    Hot = 2,

    /// <summary><c>critical</c>: the kernel shuts the machine down.</summary>
    Critical = 3,
}
