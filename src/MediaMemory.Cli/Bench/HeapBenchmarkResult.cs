namespace MediaMemory.Cli.Bench;

/// <summary>What <c>mediamem bench heap</c> measured; times are medians over batches, in nanoseconds per free+allocate pair.</summary>
internal sealed record HeapBenchmarkResult(
    int Ops,
    int Seed,
    int LiveSet,
    double HeapNsPerOp,
    double NativeNsPerOp,
    double NativeTouchNsPerOp,
    double ArrayPoolNsPerOp,
    double HeapManagedBytesPerOp,
    double Texture4KHeapNs,
    double Texture4KNativeTouchNs,
    double FillUtilization,
    double FillUtilizationWorst,
    double FragmentationAfterChurn)
{
    /// <summary>True when the native phases ran with glibc's mmap threshold fixed, so each allocation was fresh memory.</summary>
    public bool NativeIsFresh { get; init; }

    /// <summary>How many times faster a 4K BGRA8 texture comes from the heap than from a fresh, touched native allocation.</summary>
    public double Texture4KSpeedup => Texture4KNativeTouchNs / Texture4KHeapNs;
}
