using MediaMemory.Budgeting;

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
}
