namespace MediaMemory.Pressure;

/// <summary>How hard the system is pressed for memory; higher is worse.</summary>
public enum PressureLevel
{
    /// <summary>No pressure: the budget is half the effective limit (capped).</summary>
    Normal = 0,

    /// <summary>Memory is getting short: compress, lower quality, trim caches; the budget is a third.</summary>
    Warning = 1,

    /// <summary>The process is close to being killed: purge everything that can be rebuilt; the budget is a quarter.</summary>
    Critical = 2,
}
