using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>The settings every polling source shares: how often it reads, its clock and its logger.</summary>
public abstract class PollingSourceOptions
{
    /// <summary>Sets the default of <see cref="Interval"/>.</summary>
    /// <param name="defaultInterval">The derived source's default interval (its remarks say where it comes from).</param>
    protected PollingSourceOptions(TimeSpan defaultInterval) => Interval = defaultInterval;

    /// <summary>How often the source reads: positive and at most 4 294 967 294 ms, or (where the source
    /// also has events to go on) <see cref="Timeout.InfiniteTimeSpan"/> for none. The default depends on the source.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>Clock for the interval timer and timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logger. Default none.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Whether <see cref="Timeout.InfiniteTimeSpan"/> is a valid <see cref="Interval"/>.</summary>
    private protected virtual bool AllowsNoInterval => true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentNullException"/>
    /// naming the first option out of range.</summary>
    internal virtual void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        SourceIntervals.Validate(Interval, nameof(Interval), AllowsNoInterval);
    }
}
