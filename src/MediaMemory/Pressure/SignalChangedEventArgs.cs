namespace MediaMemory.Pressure;

/// <summary>A source's state changed (a pressure level or a thermal state).</summary>
/// <typeparam name="TState">The kind of state: <see cref="PressureLevel"/> or <see cref="Platform.ThermalState"/>.</typeparam>
/// <param name="source">The source's name.</param>
/// <param name="kind">Where the signal comes from.</param>
/// <param name="previous">The state before.</param>
/// <param name="current">The state now.</param>
/// <param name="reading">The raw reading that caused it, as the source saw it (e.g. a PSI line).</param>
/// <param name="timestamp">When the signal was observed, from the source's <see cref="TimeProvider.GetTimestamp"/>:
/// latency is measured from here.</param>
/// <param name="at">The same moment as wall-clock time.</param>
public sealed class SignalChangedEventArgs<TState>(string source, SignalKind kind, TState previous, TState current, string reading, long timestamp, DateTimeOffset at) : EventArgs
    where TState : struct, Enum
{
    /// <summary>The source's name.</summary>
    public string Source { get; } = source;

    /// <summary>Where the signal comes from.</summary>
    public SignalKind Kind { get; } = kind;

    /// <summary>The state before.</summary>
    public TState Previous { get; } = previous;

    /// <summary>The state now.</summary>
    public TState Current { get; } = current;

    /// <summary>The raw reading that caused it.</summary>
    public string Reading { get; } = reading;

    /// <summary>When the signal was observed (<see cref="TimeProvider.GetTimestamp"/> of the source's provider).</summary>
    public long Timestamp { get; } = timestamp;

    /// <summary>The same moment as wall-clock time.</summary>
    public DateTimeOffset At { get; } = at;
}
