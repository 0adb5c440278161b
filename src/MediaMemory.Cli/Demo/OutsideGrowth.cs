using MediaMemory.Heaps;

namespace MediaMemory.Cli.Demo;

/// <summary>
/// Memory the rest of the app takes outside MediaMemory's budget (a decoder's own buffers, a web
/// view, a plug-in): really mapped and every page written, growing steadily with the run to its
/// target. No budget sees it; only the kernel's signals do.
/// </summary>
/// <remarks>
/// It grows in 8 MiB steps (arbitrary: small next to the targets, few enough to be cheap) along a
/// straight line that reaches the target at <see cref="FullAt"/> of the run and then holds it, so the
/// app spends the last quarter of the run with all of it taken. Not thread-safe: the demo loop owns it.
/// </remarks>
internal sealed class OutsideGrowth(long targetBytes) : IDisposable
{
    /// <summary>Share of the run at which the target is reached.</summary>
    public const double FullAt = 0.75;

    private const long StepBytes = 8L << 20;
    private readonly List<NativeBlock> _blocks = [];

    /// <summary>Bytes held now (mapped and written).</summary>
    public long HeldBytes { get; private set; }

    public long TargetBytes { get; } = targetBytes;

    /// <summary>Grows to where the line is at <paramref name="fractionOfRun"/> (0…1) of the run.</summary>
    public void GrowTo(double fractionOfRun)
    {
        var want = (long)(TargetBytes * Math.Clamp(fractionOfRun / FullAt, 0, 1));
        while (HeldBytes < want)
        {
            var block = new NativeBlock(Math.Min(StepBytes, want - HeldBytes));
            for (long offset = 0; offset < block.SizeBytes; offset += Environment.SystemPageSize)
            {
                block.GetSpan(offset, 1)[0] = 1;
            }

            _blocks.Add(block);
            HeldBytes += block.SizeBytes;
        }
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
        {
            block.Dispose();
        }

        _blocks.Clear();
        HeldBytes = 0;
    }
}
