namespace MediaMemory.Pressure;

/// <summary>One line of a PSI file (<c>some</c> or <c>full</c>): the share of wall time in which tasks stalled on the
/// resource, averaged over 10, 60 and 300 seconds, and the total stall since boot.</summary>
/// <param name="Avg10Percent">Stall share over the last 10 s, in percent (0 to 100).</param>
/// <param name="Avg60Percent">Stall share over the last 60 s, in percent.</param>
/// <param name="Avg300Percent">Stall share over the last 300 s, in percent.</param>
/// <param name="TotalMicroseconds">Total stall time since boot (or since the cgroup was made), in microseconds.</param>
public readonly record struct PsiLine(double Avg10Percent, double Avg60Percent, double Avg300Percent, long TotalMicroseconds);
