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
/// <item>That is never above the device's recommended cap scaled by the same level: the cap at Normal,
/// 2/3 of it at Warning, 1/2 at Critical. In one formula: share × min(limit, 2 × cap).</item>
/// <item>Heat reduces the result: Fair −10 %, Serious −30 %, Critical −30 % on top of the Critical level.</item>
/// </list>
/// <para>
/// Two departures from a literal reading of DESIGN.md ("never above the cap"; thermal "Critical = the
/// Critical level"), both so that a worse state never gives a bigger budget: with an unscaled cap, every
/// level on a 3 GB phone gave the same 768 MiB (the cap binds at all three), so a memory warning freed
/// nothing that the app would not at once take back; and a Critical thermal state without the Serious
/// cut gave more than Serious did (phone-4gb at Critical pressure: 1 GiB against 717 MiB). Where the cap does not bind (a
/// 3 GiB cgroup on a 24 GiB machine), the budgets are exactly limit/2, /3, /4.
/// </para>
/// Stateless and thread-safe; results are rounded down to whole bytes.
/// </remarks>
public static class BudgetPolicy
{
    /// <summary>The budget in bytes.</summary>
    /// <param name="effectiveLimitBytes">What the process can hold before it is killed (see <see cref="MemoryLimits"/>), ≥ 0.</param>
    /// <param name="device">The device profile.</param>
    /// <param name="level">Pressure level.</param>
    /// <param name="thermal">Thermal state.</param>
    public static long BudgetBytes(long effectiveLimitBytes, DeviceProfile device, PressureLevel level, ThermalState thermal = ThermalState.Nominal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(effectiveLimitBytes);
        ArgumentNullException.ThrowIfNull(device);
        if (thermal == ThermalState.Critical)
        {
            level = PressureLevel.Critical;
        }

        // 2 × cap cannot overflow: the cap is at most 40 % of a long.
        var limit = Math.Min(Math.Min(effectiveLimitBytes, device.PhysicalBytes), 2 * device.RecommendedCapBytes);
        var capped = level switch
        {
            PressureLevel.Normal => limit / 2,
            PressureLevel.Warning => limit / 3,
            PressureLevel.Critical => limit / 4,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown pressure level"),
        };
        return thermal switch
        {
            ThermalState.Nominal => capped,
            ThermalState.Fair => capped - (capped / 10),
            ThermalState.Serious or ThermalState.Critical => capped - (capped * 3 / 10),
            _ => throw new ArgumentOutOfRangeException(nameof(thermal), thermal, "unknown thermal state"),
        };
    }

    /// <summary>The budgets for every pressure level at one thermal state.</summary>
    public static (long Normal, long Warning, long Critical) BudgetsByLevel(long effectiveLimitBytes, DeviceProfile device, ThermalState thermal = ThermalState.Nominal) =>
        (BudgetBytes(effectiveLimitBytes, device, PressureLevel.Normal, thermal),
         BudgetBytes(effectiveLimitBytes, device, PressureLevel.Warning, thermal),
         BudgetBytes(effectiveLimitBytes, device, PressureLevel.Critical, thermal));
}
