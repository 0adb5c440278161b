namespace MediaMemory.Platform;

/// <summary>The device's thermal state, as Apple's <c>ProcessInfo.ThermalState</c> has it.</summary>
public enum ThermalState
{
    /// <summary>Within normal limits: no change to the budget.</summary>
    Nominal = 0,

    /// <summary>Slightly elevated: budget −10 %.</summary>
    Fair = 1,

    /// <summary>High: budget −30 %.</summary>
    Serious = 2,

    /// <summary>Critical: the budget of the Critical pressure level, and low-power mode.</summary>
    Critical = 3,
}
