using System.Runtime.InteropServices;

namespace MediaMemory.Cli.Bench;

/// <summary>glibc's <c>mallopt</c>, to make <c>malloc</c> map every large block afresh (benchmarks only).</summary>
internal static partial class GlibcMalloc
{
    // <malloc.h>: M_MMAP_THRESHOLD.
    private const int MmapThreshold = -3;

    // glibc's default threshold: 128 KiB. Setting it explicitly also turns off its dynamic growth.
    private const int DefaultThresholdBytes = 128 * 1024;

    /// <summary>Fixes the mmap threshold at 128 KiB for the rest of the process; false where there is no glibc.</summary>
    public static bool TryFixMmapThreshold()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return Mallopt(MmapThreshold, DefaultThresholdBytes) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // musl and other C libraries have no mallopt.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
