using System.Globalization;

namespace MediaMemory.Pressure;

/// <summary>One PSI trigger: which line (<c>some</c>/<c>full</c>), how much stall per window, and the level it means.</summary>
/// <param name="Level">The level reported while the trigger is active.</param>
/// <param name="Line">"some" or "full".</param>
/// <param name="Stall">Stall threshold per window.</param>
/// <param name="Window">The tracking window.</param>
internal readonly record struct PsiTrigger(PressureLevel Level, string Line, TimeSpan Stall, TimeSpan Window)
{
    /// <summary>CAP_SYS_RESOURCE is capability 24 (linux/capability.h).</summary>
    private const int CapSysResource = 24;

    /// <summary>The text written to the PSI file: "<c>some 100000 2000000\n</c>"; microseconds, newline required.</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Line} {(long)Stall.TotalMicroseconds} {(long)Window.TotalMicroseconds}\n");

    /// <summary>The stall threshold in microseconds, as PSI's <c>total</c> counts.</summary>
    public long StallMicroseconds => (long)Stall.TotalMicroseconds;

    /// <summary>The line of <paramref name="snapshot"/> this trigger watches.</summary>
    public PsiLine? LineOf(PsiSnapshot snapshot) => Line == "some" ? snapshot.Some : snapshot.Full;

    /// <summary>True when this process has CAP_SYS_RESOURCE in its effective set (/proc/self/status <c>CapEff</c>),
    /// so PSI windows need not be multiples of 2 s. False when that cannot be read.</summary>
    public static bool ProcessMayUseAnyWindow()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    return ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var caps)
                        && (caps & (1UL << CapSysResource)) != 0;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux or no /proc: assume the stricter rule.
        }

        return false;
    }
}
