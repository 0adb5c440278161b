namespace MediaMemory.Pressure;

/// <summary>Where a pressure or thermal signal comes from.</summary>
public enum SignalKind
{
    /// <summary>The kernel: PSI, cgroup notifications, cgroup usage, thermal zones.</summary>
    Kernel = 0,

    /// <summary>The .NET runtime (the GC's memory load).</summary>
    Runtime = 1,

    /// <summary>MediaMemory's own budget.</summary>
    Budget = 2,

    /// <summary>A scripted timeline, for demos and tests.</summary>
    Scripted = 3,
}
