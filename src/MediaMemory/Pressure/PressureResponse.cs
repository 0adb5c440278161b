using MediaMemory.Platform;

namespace MediaMemory.Pressure;

/// <summary>What a responder is asked to respond to.</summary>
/// <param name="Level">The combined pressure level now.</param>
/// <param name="Previous">The level before this change (equal to <paramref name="Level"/> when only the heat changed).</param>
/// <param name="Thermal">The thermal state now.</param>
/// <param name="Source">The name of the source whose signal caused this change.</param>
public sealed record PressureResponse(PressureLevel Level, PressureLevel Previous, ThermalState Thermal, string Source)
{
    /// <summary>Low-power mode: the thermal state is Critical (minimum quality, background work cancelled).</summary>
    public bool LowPower => Thermal == ThermalState.Critical;

    /// <summary>True when the level went up with this change.</summary>
    public bool IsRising => Level > Previous;
}
