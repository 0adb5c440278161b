using System.Globalization;
using MediaMemory.Internals;
using MediaMemory.Units;

namespace MediaMemory.Platform;

/// <summary>
/// The memory this process may really use: physical memory, the limit of its own memory cgroup
/// (v1 <c>memory.limit_in_bytes</c> or v2 <c>memory.max</c>, the tightest along the path to the
/// hierarchy's root), and the smaller of the two, cross-checked with what the .NET GC believes.
/// </summary>
/// <param name="PhysicalBytes">Physical memory (<c>MemTotal</c> of /proc/meminfo; elsewhere the GC's view).</param>
/// <param name="CgroupLimitBytes">The cgroup's memory limit in bytes, or null when the cgroup has none.</param>
/// <param name="CgroupVersion">Which cgroup hierarchy was read.</param>
/// <param name="CgroupDirectory">The directory of the process's memory cgroup, or null.</param>
/// <param name="EffectiveLimitBytes">min(physical, cgroup limit): what the process can have before
/// the OOM killer acts.</param>
/// <param name="GcTotalAvailableBytes">What <c>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes</c>
/// reports (the runtime reads cgroups itself; a heap hard limit makes it differ).</param>
public sealed record MemoryLimits(
    long PhysicalBytes,
    long? CgroupLimitBytes,
    CgroupVersion CgroupVersion,
    string? CgroupDirectory,
    long EffectiveLimitBytes,
    long GcTotalAvailableBytes)
{
    /// <summary>
    /// cgroup v1 reports "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712 on 4 KiB pages);
    /// anything at or above 2^62 bytes is read as unlimited, far beyond any machine.
    /// </summary>
    internal const long UnlimitedThresholdBytes = 1L << 62;

    /// <summary>
    /// True when the GC's idea of available memory matches ours within 1 %: the effective limit, or,
    /// inside a cgroup, the heap hard limit the runtime sets by default there (75 % of the cgroup
    /// limit; measured here: 2415919104 in a 3 GiB cgroup). An explicit <c>GCHeapHardLimit</c> makes it differ.
    /// </summary>
    public bool GcAgrees =>
        Near(GcTotalAvailableBytes, EffectiveLimitBytes) ||
        (CgroupLimitBytes is { } cgroup && Near(GcTotalAvailableBytes, cgroup / 4 * 3));

    private static bool Near(long actual, long expected) => Math.Abs(actual - expected) <= expected / 100;

    /// <summary>Reads the limits of the current process from the kernel.</summary>
    public static MemoryLimits Detect() => Detect("/proc");

    /// <summary>Reads the limits using <paramref name="procRoot"/> in place of <c>/proc</c>
    /// (its <c>meminfo</c>, <c>self/cgroup</c> and <c>self/mountinfo</c>).</summary>
    internal static MemoryLimits Detect(string procRoot)
    {
        var gcAvailable = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (!OperatingSystem.IsLinux() || !File.Exists(Path.Combine(procRoot, "meminfo")))
        {
            return new MemoryLimits(gcAvailable, null, CgroupVersion.None, null, gcAvailable, gcAvailable);
        }

        var physical = ParseMemTotalBytes(File.ReadAllText(Path.Combine(procRoot, "meminfo")));
        var (version, directory, limit) = FindCgroupLimit(
            ReadOrEmpty(Path.Combine(procRoot, "self", "cgroup")),
            ReadOrEmpty(Path.Combine(procRoot, "self", "mountinfo")));
        var effective = limit is { } l ? Math.Min(l, physical) : physical;
        return new MemoryLimits(physical, limit, version, directory, effective, gcAvailable);
    }

    /// <summary>Parses <c>MemTotal: N kB</c> from /proc/meminfo text.</summary>
    /// <exception cref="FormatException">No MemTotal line.</exception>
    internal static long ParseMemTotalBytes(string meminfo) =>
        !ProcFields.TryFindKibibytes(meminfo, "MemTotal:", out var bytes)
            ? throw new FormatException("/proc/meminfo has no MemTotal line")
            : bytes ?? throw new FormatException("/proc/meminfo has a MemTotal line without a number");

    /// <summary>
    /// Finds the process's memory cgroup from /proc/self/cgroup and /proc/self/mountinfo text and
    /// reads its limit: v1 when a v1 <c>memory</c> controller is mounted (hybrid hosts, like this
    /// project's machines, keep memory on v1), else v2.
    /// </summary>
    internal static (CgroupVersion Version, string? Directory, long? LimitBytes) FindCgroupLimit(string procSelfCgroup, string mountInfo)
    {
        string? v1Path = null;
        string? v2Path = null;
        foreach (var line in procSelfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // hierarchy-ID:controller-list:cgroup-path (cgroups(7))
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                v2Path = parts[2];
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                v1Path = parts[2];
            }
        }

        var mounts = ParseCgroupMounts(mountInfo);
        if (v1Path is not null && mounts.FirstOrDefault(m => m.IsV1Memory) is { } v1Mount)
        {
            var dir = ResolveDirectory(v1Mount, v1Path);
            return (CgroupVersion.V1, dir, TightestLimit(dir, v1Mount.MountPoint, "memory.limit_in_bytes"));
        }

        if (v2Path is not null && mounts.FirstOrDefault(m => m.IsV2) is { } v2Mount)
        {
            var dir = ResolveDirectory(v2Mount, v2Path);
            return (CgroupVersion.V2, dir, TightestLimit(dir, v2Mount.MountPoint, "memory.max"));
        }

        return (CgroupVersion.None, null, null);
    }

    /// <summary>Parses a limit file's text: a number of bytes, or "max" (v2) / a huge number (v1) for none.</summary>
    internal static long? ParseLimit(string text)
    {
        var trimmed = text.Trim();
        if (trimmed == "max" || trimmed.Length == 0)
        {
            return null;
        }

        return long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes < UnlimitedThresholdBytes
            ? bytes
            : null;
    }

    private static long? TightestLimit(string directory, string mountPoint, string fileName)
    {
        // A cgroup is bounded by every ancestor's limit too, so walk up to the hierarchy's root.
        long? tightest = null;
        var root = Path.TrimEndingDirectorySeparator(mountPoint);
        for (var dir = directory; dir is not null && IsSameOrBelow(dir, root); dir = Path.GetDirectoryName(dir))
        {
            var file = Path.Combine(dir, fileName);
            if (File.Exists(file) && ParseLimit(ReadOrEmpty(file)) is { } limit)
            {
                tightest = tightest is { } t ? Math.Min(t, limit) : limit;
            }

            if (dir.Length <= root.Length)
            {
                break;
            }
        }

        return tightest;
    }

    // Path prefix on a separator boundary: "/docker/abc" is below "/docker", not below "/dock".
    private static bool IsSameOrBelow(string path, string root) =>
        path.StartsWith(root, StringComparison.Ordinal) &&
        (path.Length == root.Length || root.EndsWith('/') || path[root.Length] == '/');

    private static string ResolveDirectory(CgroupMount mount, string cgroupPath)
    {
        // mountinfo's root field is the cgroup that is mounted; inside a cgroup namespace the path in
        // /proc/self/cgroup is already relative to it.
        var relative = mount.Root != "/" && IsSameOrBelow(cgroupPath, mount.Root)
            ? cgroupPath[mount.Root.Length..]
            : cgroupPath;
        var dir = Path.TrimEndingDirectorySeparator(mount.MountPoint + "/" + relative.TrimStart('/'));
        return Directory.Exists(dir) ? dir : mount.MountPoint;
    }

    private static List<CgroupMount> ParseCgroupMounts(string mountInfo)
    {
        var mounts = new List<CgroupMount>();
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mount-point options [optional fields] - fstype source super-options (proc(5))
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }

            var fields = line[..separator].Split(' ');
            var tail = line[(separator + 3)..].Split(' ');
            if (fields.Length < 5 || tail.Length < 1)
            {
                continue;
            }

            var fsType = tail[0];
            var superOptions = tail.Length > 2 ? tail[2] : string.Empty;
            var root = Unescape(fields[3]);
            var mountPoint = Unescape(fields[4]);
            if (fsType == "cgroup2")
            {
                mounts.Add(new CgroupMount(root, mountPoint, IsV1Memory: false, IsV2: true));
            }
            else if (fsType == "cgroup" && superOptions.Split(',').Contains("memory"))
            {
                mounts.Add(new CgroupMount(root, mountPoint, IsV1Memory: true, IsV2: false));
            }
        }

        return mounts;
    }

    // mountinfo escapes space, tab, newline and backslash as octal (\040 …).
    private static string Unescape(string field) =>
        field.Contains('\\', StringComparison.Ordinal)
            ? field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
                .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal)
            : field;

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"physical {ByteSize.Format(PhysicalBytes)}, cgroup {(CgroupLimitBytes is { } c ? ByteSize.Format(c) : "none")}, effective {ByteSize.Format(EffectiveLimitBytes)}";

    private sealed record CgroupMount(string Root, string MountPoint, bool IsV1Memory, bool IsV2);
}
