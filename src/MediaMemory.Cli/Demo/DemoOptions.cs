namespace MediaMemory.Cli.Demo;

/// <summary>What the demo runs: its budget, length and seed.</summary>
/// <param name="BudgetBytes">The budget's limit in bytes.</param>
/// <param name="DurationSeconds">Wall-clock length of the run.</param>
/// <param name="Seed">Seed of the preview requests, so runs are repeatable.</param>
/// <param name="FramesPerSecond">Playback rate the loop is paced to (30, as an editor's timeline).</param>
internal sealed record DemoOptions(long BudgetBytes, double DurationSeconds, int Seed = 1, int FramesPerSecond = 30);
