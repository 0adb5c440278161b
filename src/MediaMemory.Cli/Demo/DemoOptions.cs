using MediaMemory.Budgeting;
using MediaMemory.Pressure;

namespace MediaMemory.Cli.Demo;

/// <summary>What the demo runs: its budget, length and seed, and how it hears pressure.</summary>
/// <param name="BudgetBytes">The budget's limit in bytes at the start.</param>
/// <param name="DurationSeconds">Wall-clock length of the run.</param>
/// <param name="Seed">Seed of the preview requests, so runs are repeatable.</param>
/// <param name="FramesPerSecond">Playback rate the loop is paced to (30, as an editor's timeline).</param>
internal sealed record DemoOptions(long BudgetBytes, double DurationSeconds, int Seed = 1, int FramesPerSecond = 30)
{
    /// <summary>Bytes the rest of the app takes outside the budget by the end (see <see cref="OutsideGrowth"/>); 0 for none.</summary>
    public long OutsideGrowthBytes { get; init; }

    /// <summary>
    /// Builds the coordinator (with its sources) for the run's budget; null runs without one (the
    /// naive app of <c>--no-budget</c>, or a plain budgeted run). The workload registers its
    /// responders and starts it.
    /// </summary>
    public Func<MemoryBudget, PressureCoordinator>? CreateCoordinator { get; init; }
}
