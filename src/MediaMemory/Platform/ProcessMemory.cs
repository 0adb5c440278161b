using MediaMemory.Internals;

namespace MediaMemory.Platform;

/// <summary>
/// This process's resident memory as the kernel counts it: <c>VmRSS</c> (now) and <c>VmHWM</c>
/// (the peak, "high water mark") from /proc/self/status. Stateless and thread-safe.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set in bytes (VmHWM), or null where /proc is not available.</summary>
    public static long? PeakResidentBytes() => ReadStatusField("VmHWM:");

    /// <summary>Current resident set in bytes (VmRSS), or null where /proc is not available.</summary>
    public static long? ResidentBytes() => ReadStatusField("VmRSS:");

    /// <summary>Parses a <c>Name:   N kB</c> field of /proc/self/status text into bytes; null when absent or not a number.</summary>
    internal static long? ParseStatusField(string status, string field) =>
        ProcFields.TryFindKibibytes(status, field, out var bytes) ? bytes : null;

    private static long? ReadStatusField(string field)
    {
        try
        {
            return OperatingSystem.IsLinux() ? ParseStatusField(File.ReadAllText("/proc/self/status"), field) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
