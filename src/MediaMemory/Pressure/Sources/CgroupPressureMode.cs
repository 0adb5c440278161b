namespace MediaMemory.Pressure;

/// <summary>
/// How cgroup v1 <c>memory.pressure_level</c> notifications propagate (Documentation/admin-guide/cgroup-v1/memory.rst,
/// "Memory Pressure").
/// </summary>
public enum CgroupPressureMode
{
    /// <summary>The kernel's default: an event goes up the hierarchy until a cgroup with a listener took it.</summary>
    Default = 0,

    /// <summary>Every ancestor's listeners hear the event too, whether or not a descendant handled it.</summary>
    Hierarchy = 1,

    /// <summary>Only pressure in the registered cgroup itself, not in its descendants.</summary>
    Local = 2,
}
