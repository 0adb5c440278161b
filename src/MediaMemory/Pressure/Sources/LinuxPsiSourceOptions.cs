namespace MediaMemory.Pressure;

/// <summary>
/// Settings of <see cref="LinuxPsiSource"/>: the two PSI triggers it registers and the file it registers them on.
/// Validated when the source is constructed (<see cref="ArgumentOutOfRangeException"/> naming the property).
/// </summary>
/// <remarks>
/// A trigger "<c>some|full STALL WINDOW</c>" fires when tasks stalled on memory for at least STALL within a
/// moving WINDOW; the kernel fires it at most once per window (Documentation/accounting/psi.rst). The kernel
/// accepts windows from 500 ms to 10 s, and, for a process without <c>CAP_SYS_RESOURCE</c>, only multiples of
/// 2 s (measured on this project's machines, where root lacks that capability: a 1 s window is EINVAL).
/// </remarks>
public sealed class LinuxPsiSourceOptions
{
    /// <summary>The smallest window the kernel accepts (psi.c WINDOW_MIN_US).</summary>
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest window the kernel accepts (psi.c WINDOW_MAX_US).</summary>
    public static readonly TimeSpan MaximumWindow = TimeSpan.FromSeconds(10);

    /// <summary>Unprivileged triggers need a window that is a multiple of this (psi.c, since Linux 6.4).</summary>
    public static readonly TimeSpan UnprivilegedWindowGranularity = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The PSI file to watch. Null (the default): the cgroup v2 <c>memory.pressure</c> of this process's own cgroup
    /// when memory is on cgroup v2, else <c>/proc/pressure/memory</c> (the whole machine).
    /// </summary>
    public string? PressureFilePath { get; init; }

    /// <summary>Stall of at least one task (<c>some</c>) per <see cref="WarningWindow"/> that means Warning. Default 100 ms;
    /// more than 0, less than the window, whole microseconds.</summary>
    public TimeSpan WarningStall { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The window of the Warning (<c>some</c>) trigger. Default 2 s; 500 ms to 10 s, a multiple of 2 s without
    /// <c>CAP_SYS_RESOURCE</c>.</summary>
    public TimeSpan WarningWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stall of all non-idle tasks at once (<c>full</c>) per <see cref="CriticalWindow"/> that means Critical.
    /// Default 100 ms; more than 0, less than the window, whole microseconds.</summary>
    public TimeSpan CriticalStall { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The window of the Critical (<c>full</c>) trigger. Default 2 s; same rules as <see cref="WarningWindow"/>.</summary>
    public TimeSpan CriticalWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The Warning trigger's text, e.g. <c>"some 100000 2000000\n"</c> (the kernel refuses it without the newline).</summary>
    internal PsiTrigger WarningTrigger => new(PressureLevel.Warning, "some", WarningStall, WarningWindow);

    /// <summary>The Critical trigger, e.g. <c>"full 100000 2000000\n"</c>.</summary>
    internal PsiTrigger CriticalTrigger => new(PressureLevel.Critical, "full", CriticalStall, CriticalWindow);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid property.</summary>
    /// <param name="anyWindowAllowed">True when the process has <c>CAP_SYS_RESOURCE</c>, so windows need not be multiples of 2 s.</param>
    internal void Validate(bool anyWindowAllowed)
    {
        ValidatePair(WarningStall, WarningWindow, nameof(WarningStall), nameof(WarningWindow), anyWindowAllowed);
        ValidatePair(CriticalStall, CriticalWindow, nameof(CriticalStall), nameof(CriticalWindow), anyWindowAllowed);
        if (PressureFilePath is { Length: 0 })
        {
            throw Invalid(nameof(PressureFilePath), PressureFilePath, "an empty path; use null for the default");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string name, object? value, string message) => new(name, value, message);

    private static void ValidatePair(TimeSpan stall, TimeSpan window, string stallName, string windowName, bool anyWindowAllowed)
    {
        if (window < MinimumWindow || window > MaximumWindow || window.Ticks % TimeSpan.TicksPerMicrosecond != 0)
        {
            throw new ArgumentOutOfRangeException(windowName, window, $"a PSI window must be whole microseconds from {MinimumWindow.TotalMilliseconds} ms to {MaximumWindow.TotalSeconds} s");
        }

        if (!anyWindowAllowed && window.Ticks % UnprivilegedWindowGranularity.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(windowName, window, "without CAP_SYS_RESOURCE the kernel accepts only PSI windows that are multiples of 2 s (else EINVAL)");
        }

        // The kernel accepts stall == window (a trigger that needs a stall through the whole window); we
        // require less, as a trigger that can only fire when every moment stalled says nothing sooner.
        if (stall <= TimeSpan.Zero || stall >= window || stall.Ticks % TimeSpan.TicksPerMicrosecond != 0)
        {
            throw new ArgumentOutOfRangeException(stallName, stall, $"a PSI stall threshold must be whole microseconds, more than 0 and less than its window ({window.TotalMilliseconds} ms)");
        }
    }
}
