using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Cli.Demo;

/// <summary>How <c>mediamem demo</c> hears pressure: every real source this machine has, plus scripts.</summary>
internal static class DemoPressure
{
    /// <summary>
    /// A factory for the run's coordinator. The budget limit follows <see cref="BudgetPolicy"/> for the
    /// effective limit and device; with <c>--budget</c> the policy's ratios between levels and heat are
    /// applied to that budget instead (Warning 2/3 of it, Critical 1/2, as the policy has them).
    /// </summary>
    /// <remarks>
    /// The sources: PSI, the memory cgroup, the GC's memory load and the thermal zones — each reports
    /// itself unavailable where the machine lacks it — and the scripts when given. With
    /// <c>--scripted-only</c> only the scripts: PSI is system-wide, so another process's stall would
    /// otherwise change a run that must be repeatable (tests, recorded demos). The budget's own use
    /// (<see cref="BudgetSource"/>) is not one of them: this workload fills its budget on purpose (the
    /// preview cache grows until the budget reclaims it), so "the budget is 95 % used" is its normal
    /// state here, not pressure.
    /// </remarks>
    public static Func<MemoryBudget, PressureCoordinator> Factory(
        long effectiveLimitBytes,
        DeviceProfile device,
        long? budgetOverride,
        SignalScript<PressureLevel>? pressureScript,
        SignalScript<ThermalState>? thermalScript,
        bool realSources = true) =>
        budget =>
        {
            var policy = PressureCoordinatorOptions.ForPolicy(effectiveLimitBytes, device);
            var normal = BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, PressureLevel.Normal);
            var options = budgetOverride is { } fixedBudget && normal > 0
                ? policy with { BudgetLimit = (level, thermal) => (long)((Int128)fixedBudget * BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, level, thermal) / normal) }
                : policy;
            var coordinator = new PressureCoordinator(budget, options);
            try
            {
                if (realSources)
                {
                    coordinator.AddSource(new LinuxPsiSource());
                    coordinator.AddSource(new CgroupMemorySource());
                    coordinator.AddSource(new GcMemoryLoadSource());
                    coordinator.AddSource(new LinuxThermalSource());
                }

                if (pressureScript is not null)
                {
                    coordinator.AddSource(new ScriptedSource(pressureScript));
                }

                if (thermalScript is not null)
                {
                    coordinator.AddSource(new ScriptedThermalSource(thermalScript));
                }

                return coordinator;
            }
            catch
            {
                coordinator.Dispose();
                throw;
            }
        };
}
