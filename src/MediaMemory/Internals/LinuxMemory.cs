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
    public const int MadvHugePage = 14;
    public const int MadvPopulateWrite = 23;

    /// <summary>The page size (4 KiB on x86-64; 4, 16 or 64 KiB on arm64).</summary>
    public static readonly int PageSizeBytes = Environment.SystemPageSize;

    private static readonly nint MapFailed = -1;

    private static readonly Lazy<long> s_hugePageBytes = new(ReadHugePageBytes);

    /// <summary>
    /// The transparent huge page size (2 MiB on x86-64) when the kernel grants huge pages to regions that
    /// ask with <c>madvise(MADV_HUGEPAGE)</c> (THP mode <c>always</c> or <c>madvise</c>); 0 when THP is
    /// <c>never</c>, absent, or this is not Linux.
    /// </summary>
    public static long HugePageBytes => s_hugePageBytes.Value;

    /// <summary>The THP mode line's selected word, e.g. "madvise" from "always [madvise] never", or null.</summary>
    internal static string? ParseThpMode(string text)
    {
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = open < 0 ? -1 : text.IndexOf(']', open + 1);
        return close > open + 1 ? text[(open + 1)..close] : null;
    }

    private static long ReadHugePageBytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        try
        {
            var mode = ParseThpMode(File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled"));
            if (mode is not ("always" or "madvise"))
            {
                return 0;
            }

            return long.TryParse(File.ReadAllText("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size").Trim(), out var bytes)
                && bytes > PageSizeBytes && (bytes & (bytes - 1)) == 0 ? bytes : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
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
