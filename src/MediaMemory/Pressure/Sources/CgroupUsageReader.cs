using System.Globalization;
using MediaMemory.Platform;
using MediaMemory.Units;

namespace MediaMemory.Pressure;

/// <summary>
/// The usage-against-limit part of <see cref="CgroupMemorySource"/>: reads v1 <c>memory.usage_in_bytes</c> and
/// <c>memory.limit_in_bytes</c>, or v2 <c>memory.current</c> and <c>memory.max</c>, from one directory only (tests
/// point it at a temporary directory holding recorded files), and grades the share. Stateless apart from its
/// settings, so thread-safe.
/// </summary>
internal sealed class CgroupUsageReader(string directory, CgroupVersion version, double warningPercent, double criticalPercent)
{
    private readonly string _usageFile = version == CgroupVersion.V1 ? "memory.usage_in_bytes" : "memory.current";
    private readonly string _limitFile = version == CgroupVersion.V1 ? "memory.limit_in_bytes" : "memory.max";

    /// <summary>Whether usage can be graded here: both files readable and well-formed, and a limit set.</summary>
    public SourceAvailability Check()
    {
        try
        {
            var (usage, limit) = Read();
            return limit is { } l
                ? SourceAvailability.Available(string.Create(CultureInfo.InvariantCulture,
                    $"{_usageFile} vs {_limitFile} {ByteSize.Format(l)} in {directory} (now {Percent(usage, l):0.0} %)"))
                : SourceAvailability.Unavailable($"no limit set: {Path.Combine(directory, _limitFile)} is unlimited");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return SourceAvailability.Unavailable(ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>Reads usage and limit (null: unlimited), in bytes.</summary>
    /// <exception cref="IOException">A file is missing or unreadable (e.g. the cgroup was removed).</exception>
    /// <exception cref="FormatException">A file does not hold a number of bytes.</exception>
    public (long UsageBytes, long? LimitBytes) Read()
    {
        var usageText = File.ReadAllText(Path.Combine(directory, _usageFile)).Trim();
        var limitText = File.ReadAllText(Path.Combine(directory, _limitFile)).Trim();
        if (!long.TryParse(usageText, NumberStyles.None, CultureInfo.InvariantCulture, out var usage))
        {
            throw new FormatException($"{Path.Combine(directory, _usageFile)} holds \"{Shorten(usageText)}\", not a number of bytes");
        }

        if (limitText != "max" && !long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"{Path.Combine(directory, _limitFile)} holds \"{Shorten(limitText)}\", not a number of bytes or 'max'");
        }

        return (usage, MemoryLimits.ParseLimit(limitText));
    }

    /// <summary>Reads and grades: Critical at or above the critical share, Warning at or above the warning share.
    /// The reading is e.g. <c>usage 83.1 % of 512 MiB (425.5 MiB)</c>.</summary>
    public (PressureLevel Level, string Reading) Evaluate()
    {
        var (usage, limit) = Read();
        if (limit is not { } l)
        {
            return (PressureLevel.Normal, $"usage {ByteSize.Format(usage)}, no limit");
        }

        var percent = Percent(usage, l);
        var level = percent >= criticalPercent ? PressureLevel.Critical
            : percent >= warningPercent ? PressureLevel.Warning
            : PressureLevel.Normal;
        return (level, string.Create(CultureInfo.InvariantCulture, $"usage {percent:0.0} % of {ByteSize.Format(l)} ({ByteSize.Format(usage)})"));
    }

    /// <summary>Reads, and says whether usage grown by <paramref name="growthBytes"/> (0 if less) would stay below the
    /// share at which <paramref name="level"/> begins; null when it cannot tell (no limit, or Normal, which has no
    /// share). The reading is e.g. <c>usage 55.0 % + 128 MiB = 71.7 % of 768 MiB, Warning at 80 %</c>.</summary>
    /// <exception cref="IOException">A file is missing or unreadable.</exception>
    /// <exception cref="FormatException">A file does not hold a number of bytes.</exception>
    public bool? WouldStayBelow(PressureLevel level, long growthBytes, out string reading)
    {
        reading = string.Empty;
        var share = level switch
        {
            PressureLevel.Warning => warningPercent,
            PressureLevel.Critical => criticalPercent,
            _ => double.NaN,
        };
        if (double.IsNaN(share) || Read() is not (var usage, { } limit))
        {
            return null;
        }

        var growth = Math.Max(0, growthBytes);
        var percent = limit == 0 ? 100 : 100.0 * ((double)usage + growth) / limit;
        reading = string.Create(CultureInfo.InvariantCulture,
            $"usage {Percent(usage, limit):0.0} % + {ByteSize.Format(growth)} = {percent:0.0} % of {ByteSize.Format(limit)}, {level} at {share} %");
        return percent < share;
    }

    private static double Percent(long usage, long limit) => limit == 0 ? 100 : 100.0 * usage / limit;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
