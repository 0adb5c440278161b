using System.Globalization;

namespace MediaMemory.Pressure;

/// <summary>
/// The counters of a cgroup v2 <c>memory.events</c> file, parsed (Documentation/admin-guide/cgroup-v2.rst):
/// <code>
/// low 0
/// high 12
/// max 3
/// oom 0
/// oom_kill 0
/// oom_group_kill 0
/// </code>
/// Each counts how often the cgroup hit that boundary since it was made. Immutable.
/// </summary>
/// <param name="High">Times usage went over <c>memory.high</c> and was throttled / reclaimed.</param>
/// <param name="Max">Times usage was about to go over <c>memory.max</c>.</param>
/// <param name="Oom">Times the cgroup's limit was reached and an allocation was about to fail.</param>
/// <param name="OomKill">Processes killed by the OOM killer in the cgroup (0 when the kernel does not report it).</param>
public readonly record struct CgroupMemoryEvents(long High, long Max, long Oom, long OomKill)
{
    /// <summary>
    /// The level the change from <paramref name="before"/> to this means: Critical when <c>max</c>, <c>oom</c> or
    /// <c>oom_kill</c> grew, Warning when only <c>high</c> grew, else Normal.
    /// </summary>
    public PressureLevel LevelSince(CgroupMemoryEvents before) =>
        Max > before.Max || Oom > before.Oom || OomKill > before.OomKill ? PressureLevel.Critical
        : High > before.High ? PressureLevel.Warning
        : PressureLevel.Normal;

    /// <summary>Parses the file's text. Unknown keys are ignored; <c>high</c>, <c>max</c> and <c>oom</c> are required.</summary>
    /// <param name="text">The contents of <c>memory.events</c>.</param>
    /// <exception cref="FormatException">Not a memory.events file: the message names the line and what is wrong.</exception>
    public static CgroupMemoryEvents Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        long? high = null, max = null, oom = null;
        long oomKill = 0;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw new FormatException($"memory.events line {i + 1} \"{line}\": expected 'name count' with a whole number");
            }

            switch (parts[0])
            {
                case "high":
                    high = count;
                    break;
                case "max":
                    max = count;
                    break;
                case "oom":
                    oom = count;
                    break;
                case "oom_kill":
                    oomKill = count;
                    break;
                default:
                    break; // low, oom_group_kill, and what later kernels add.
            }
        }

        return high is { } h && max is { } m && oom is { } o
            ? new CgroupMemoryEvents(h, m, o, oomKill)
            : throw new FormatException("memory.events needs 'high', 'max' and 'oom' lines");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"high {High} max {Max} oom {Oom} oom_kill {OomKill}");
}
