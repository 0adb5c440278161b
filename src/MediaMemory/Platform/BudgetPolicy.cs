using MediaMemory.Pressure;

namespace MediaMemory.Platform;

/// <summary>
/// The budget for an effective memory limit, a device, a pressure level and a thermal state.
/// </summary>
/// <remarks>
/// <para>The rule, in order:</para>
/// <list type="number">
/// <item>The device's limit is the smaller of the effective limit and the device's RAM (simulating a
/// phone on a bigger machine must not grant more than the phone has).</item>
/// <item>The pressure level takes a share of it: Normal 1/2, Warning 1/3, Critical 1/4. A Critical
/// thermal state counts as the Critical level.</item>
/// <item>That is never above the device's recommended cap (40 % / 30 % / 25 % of its RAM).</item>
/// <item>Heat reduces the result: Fair −10 %, Serious −30 % (Critical is already the Critical level).</item>
/// </list>
/// Stateless and thread-safe; results are rounded down to whole bytes.
/// </remarks>
public static class BudgetPolicy
{
    /// <summary>The budget in bytes.</summary>
    /// <param name="effectiveLimitBytes">What the process can hold before it is killed (see <see cref="MemoryLimits"/>), &gt; 0.</param>
    /// <param name="device">The device profile.</param>
    /// <param name="level">Pressure level.</param>
    /// <param name="thermal">Thermal state.</param>
    public static long BudgetBytes(long effectiveLimitBytes, DeviceProfile device, PressureLevel level, ThermalState thermal = ThermalState.Nominal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(effectiveLimitBytes);
        ArgumentNullException.ThrowIfNull(device);
        if (thermal == ThermalState.Critical)
        {
            level = PressureLevel.Critical;
        }

        var limit = Math.Min(effectiveLimitBytes, device.PhysicalBytes);
        var share = level switch
        {
            PressureLevel.Normal => limit / 2,
            PressureLevel.Warning => limit / 3,
            PressureLevel.Critical => limit / 4,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown pressure level"),
        };
        var capped = Math.Min(share, device.RecommendedCapBytes);
        return thermal switch
        {
            ThermalState.Nominal or ThermalState.Critical => capped,
            ThermalState.Fair => capped - (capped / 10),
            ThermalState.Serious => capped - (capped * 3 / 10),
            _ => throw new ArgumentOutOfRangeException(nameof(thermal), thermal, "unknown thermal state"),
        };
    }

    /// <summary>The budgets for every pressure level at one thermal state.</summary>
    public static (long Normal, long Warning, long Critical) BudgetsByLevel(long effectiveLimitBytes, DeviceProfile device, ThermalState thermal = ThermalState.Nominal) =>
        (BudgetBytes(effectiveLimitBytes, device, PressureLevel.Normal, thermal),
         BudgetBytes(effectiveLimitBytes, device, PressureLevel.Warning, thermal),
         BudgetBytes(effectiveLimitBytes, device, PressureLevel.Critical, thermal));
}
