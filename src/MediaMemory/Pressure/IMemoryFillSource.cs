namespace MediaMemory.Pressure;

/// <summary>
/// A pressure source that grades how full a hard memory limit is (a memory cgroup's usage against its limit), and so
/// can tell whether memory handed back to the app would fit. <see cref="PressureCoordinator"/> asks it before a level
/// falls: a fall raises the budget's limit, and a budget that refills beyond what the limit can take would bring the
/// level straight back, or the OOM killer.
/// </summary>
public interface IMemoryFillSource : IPressureSource
{
    /// <summary>
    /// Whether use, grown by <paramref name="growthBytes"/> from what it is now, would stay below the share of the
    /// limit at which this source reports <paramref name="level"/>. True when the source cannot tell (not running,
    /// no limit, a failed read, <paramref name="level"/> Normal): a source that knows nothing does not hold a level up.
    /// </summary>
    /// <param name="level">The level whose entry share counts (Warning or Critical).</param>
    /// <param name="growthBytes">How much use may grow; 0 or less asks about use as it is.</param>
    /// <param name="reading">What was compared, e.g. <c>usage 55.0 % + 128 MiB = 71.7 % of 768 MiB, Warning at 80 %</c>;
    /// empty when the source cannot tell.</param>
    bool WouldStayBelow(PressureLevel level, long growthBytes, out string reading);
}
