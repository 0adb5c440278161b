using System.Runtime.InteropServices;

namespace MediaMemory.Internals;

/// <summary>
/// <c>mmap</c>, <c>munmap</c> and <c>madvise</c> from libc, for memory that goes back to the kernel
/// the moment it is freed (glibc's malloc keeps freed blocks below its mmap threshold, which grows to
/// 32 MiB, resident in its heap).
/// </summary>
internal static unsafe partial class LinuxMemory
{
    // <sys/mman.h>; the same values on x86-64 and arm64 Linux.
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public const int MapPopulate = 0x8000;
    public const int MadvDontNeed = 4;
    public const int MadvFree = 8;
    public const int EInval = 22;
    public const int MadvHugePage = 14;
    public const int MadvNoHugePage = 15;
    public const int MadvPopulateWrite = 23;

    /// <summary>The page size (4 KiB on x86-64; 4, 16 or 64 KiB on arm64).</summary>
    public static readonly int PageSizeBytes = Environment.SystemPageSize;

    private static readonly nint MapFailed = -1;

    private static readonly Lazy<(long PmdBytes, long HugePageBytes)> s_hugePages = new(ReadHugePages);

    /// <summary>
    /// The transparent huge page size (2 MiB on x86-64 and on arm64 with 4 KiB pages; 32 or 512 MiB on
    /// arm64 with 16 or 64 KiB pages) when the kernel grants huge pages to regions that ask with
    /// <c>madvise(MADV_HUGEPAGE)</c>: THP mode <c>always</c> or <c>madvise</c> (the size's own
    /// <c>hugepages-…kB/enabled</c> overriding the global mode unless it says <c>inherit</c>), and not
    /// disabled for this process (<c>THP_enabled: 0</c> in <c>/proc/self/status</c>, set by
    /// <c>prctl(PR_SET_THP_DISABLE)</c>). 0 otherwise, or when this is not Linux.
    /// </summary>
    public static long HugePageBytes => s_hugePages.Value.HugePageBytes;

    /// <summary>The PMD-level huge page size the kernel reports whatever the THP mode (0 when unknown):
    /// the size from which a region without <c>MADV_NOHUGEPAGE</c> may get huge pages in mode
    /// <c>always</c>.</summary>
    public static long PmdHugePageBytes => s_hugePages.Value.PmdBytes;

    /// <summary>The THP mode line's selected word, e.g. "madvise" from "always [madvise] never", or null.</summary>
    internal static string? ParseThpMode(string text)
    {
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = open < 0 ? -1 : text.IndexOf(']', open + 1);
        return close > open + 1 ? text[(open + 1)..close] : null;
    }

    /// <summary>
    /// Whether regions that ask get huge pages of <paramref name="pmdBytes"/>: the size's own mode
    /// (<paramref name="sizeMode"/>, null where the kernel has no per-size setting) unless it is
    /// <c>inherit</c>, else the global mode; never when the process has THP disabled.
    /// </summary>
    internal static long GrantedHugePageBytes(string? globalMode, string? sizeMode, long pmdBytes, bool processAllows)
    {
        if (!processAllows || pmdBytes <= PageSizeBytes || (pmdBytes & (pmdBytes - 1)) != 0)
        {
            return 0;
        }

        var mode = sizeMode is null or "inherit" ? globalMode : sizeMode;
        return mode is "always" or "madvise" ? pmdBytes : 0;
    }

    /// <summary>False when a <c>THP_enabled:</c> line of <c>/proc/self/status</c> says 0; true when it
    /// says otherwise or is missing (kernels before 5.0).</summary>
    internal static bool ProcessAllowsThp(IEnumerable<string> statusLines)
    {
        foreach (var line in statusLines)
        {
            if (line.StartsWith("THP_enabled:", StringComparison.Ordinal))
            {
                return line["THP_enabled:".Length..].Trim() != "0";
            }
        }

        return true;
    }

    private static (long PmdBytes, long HugePageBytes) ReadHugePages()
    {
        const string root = "/sys/kernel/mm/transparent_hugepage/";
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0);
        }

        try
        {
            if (!long.TryParse(File.ReadAllText(root + "hpage_pmd_size").Trim(), out var pmdBytes))
            {
                return (0, 0);
            }

            var globalMode = ParseThpMode(File.ReadAllText(root + "enabled"));
            var sizeFile = $"{root}hugepages-{pmdBytes / 1024}kB/enabled";
            var sizeMode = File.Exists(sizeFile) ? ParseThpMode(File.ReadAllText(sizeFile)) : null;
            var processAllows = ProcessAllowsThp(File.ReadLines("/proc/self/status"));
            return (pmdBytes, GrantedHugePageBytes(globalMode, sizeMode, pmdBytes, processAllows));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    /// <summary>Maps <paramref name="lengthBytes"/> of private anonymous memory, optionally pre-faulted.</summary>
    /// <exception cref="InsufficientMemoryException">The kernel refused; the message gives errno.</exception>
    public static void* Map(nuint lengthBytes, bool populate)
    {
        var flags = MapPrivate | MapAnonymous | (populate ? MapPopulate : 0);
        var address = Mmap(0, lengthBytes, ProtRead | ProtWrite, flags, -1, 0);
        return address == MapFailed
            ? throw new InsufficientMemoryException($"mmap of {lengthBytes} bytes failed (errno {Marshal.GetLastPInvokeError()})")
            : (void*)address;
    }

    /// <summary>Unmaps a range mapped by <see cref="Map"/> (or part of one).</summary>
    /// <exception cref="InvalidOperationException">munmap failed: a bug in the caller's bookkeeping.</exception>
    public static void Unmap(void* address, nuint lengthBytes)
    {
        if (Munmap((nint)address, lengthBytes) != 0)
        {
            throw new InvalidOperationException($"munmap of {lengthBytes} bytes failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>
    /// <c>madvise</c> over a page-aligned range. Returns 0, or errno when the kernel refused (EINVAL for an
    /// advice it does not know, such as <see cref="MadvFree"/> before Linux 4.5).
    /// </summary>
    public static int Advise(void* address, nuint lengthBytes, int advice) =>
        Madvise((nint)address, lengthBytes, advice) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
