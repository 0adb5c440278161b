using MediaMemory.Platform;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>Settings of a <see cref="PressureCoordinator"/>.</summary>
public sealed record PressureCoordinatorOptions
{
    /// <summary>How long every source must stay below the combined level before it falls (default 2 s).
    /// Rises are never delayed.</summary>
    public TimeSpan Hysteresis { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The budget limit for a level and thermal state; null leaves the budget's limit alone. Use
    /// <see cref="ForPolicy"/> for <see cref="BudgetPolicy"/>'s rule.
    /// </summary>
    public Func<PressureLevel, ThermalState, long>? BudgetLimit { get; init; }

    /// <summary>The clock for hysteresis and latency; sources should share it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Optional logger.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>How many events <see cref="PressureCoordinator.Events"/> keeps (the newest), 1…1,000,000; default 10,000.</summary>
    public int MaxRecordedEvents { get; init; } = 10_000;

    /// <summary>Options whose budget limit follows <see cref="BudgetPolicy.BudgetBytes"/> for the given limit and device.</summary>
    /// <param name="effectiveLimitBytes">What the process can hold before it is killed (<see cref="MemoryLimits.EffectiveLimitBytes"/>).</param>
    /// <param name="device">The device profile.</param>
    public static PressureCoordinatorOptions ForPolicy(long effectiveLimitBytes, DeviceProfile device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(effectiveLimitBytes);
        ArgumentNullException.ThrowIfNull(device);
        return new PressureCoordinatorOptions
        {
            BudgetLimit = (level, thermal) => BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, level, thermal),
        };
    }
}
