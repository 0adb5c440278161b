using MediaMemory.Budgeting;
using MediaMemory.Pressure;

namespace MediaMemory.Cli.Demo;

/// <summary>What a demo run measured.</summary>
internal sealed record DemoResult(
    BudgetSnapshot Budget,
    long? PeakRssBytes,
    double ElapsedSeconds,
    long Ticks,
    long FramesWritten,
    long PhotosOpened,
    long PhotosRefused,
    long ClipSwitches,
    long ClipSwitchesRefused,
    long EffectsRun,
    long EffectsSkipped,
    long CacheHits,
    long CacheMisses,
    long CacheEvictions,
    long Checksum)
{
    /// <summary>Bytes still reserved after every holder was disposed; 0 unless something leaked.</summary>
    public long UsedBytesAfterCleanup { get; init; }

    /// <summary>Tokens still held after every holder was disposed; 0 unless something leaked.</summary>
    public int LiveTokensAfterCleanup { get; init; }

    /// <summary>The budget's limit at the start.</summary>
    public long InitialLimitBytes { get; init; }

    /// <summary>The lowest the budget's limit went (the coordinator lowers it under pressure).</summary>
    public long LowestLimitBytes { get; init; }

    /// <summary>What the coordinator responded to; empty without one.</summary>
    public IReadOnlyList<PressureEvent> PressureEvents { get; init; } = [];

    /// <summary>Names of the pressure and thermal sources that were running.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The quality scale at the end of the run.</summary>
    public double QualityAtEnd { get; init; } = 1.0;

    /// <summary>Prefetches that ran, and that were cancelled under pressure.</summary>
    public long Prefetches { get; init; }

    /// <summary>Prefetches cancelled (Critical pressure or low power).</summary>
    public long PrefetchesCancelled { get; init; }

    /// <summary>Bytes held outside the budget at the end (<c>--outside-growth</c>).</summary>
    public long OutsideBytes { get; init; }
}
