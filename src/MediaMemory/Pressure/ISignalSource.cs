namespace MediaMemory.Pressure;

/// <summary>
/// Something that reports a graded state and raises <see cref="Changed"/> when it changes: a memory
/// pressure source (<see cref="IPressureSource"/>) or a thermal source (<see cref="Platform.IThermalSource"/>).
/// </summary>
/// <typeparam name="TState">The state: higher values are worse.</typeparam>
/// <remarks>
/// <see cref="Start"/> never throws because the machine lacks what the source needs (no PSI, no cgroup,
/// a malformed file): the source then reports itself unavailable in <see cref="Availability"/>, stays at
/// the lowest state, and everything else keeps running. <see cref="Changed"/> may be raised on any
/// thread (a source's own waiting thread, a timer); handlers must be quick and thread-safe.
/// </remarks>
public interface ISignalSource<TState> : IDisposable
    where TState : struct, Enum
{
    /// <summary>A short stable name for reports, e.g. <c>psi</c>, <c>cgroup-v1</c>, <c>script</c>.</summary>
    string Name { get; }

    /// <summary>Where the signal comes from.</summary>
    SignalKind Kind { get; }

    /// <summary>The state now.</summary>
    TState Current { get; }

    /// <summary>The last raw reading (for reports), or empty before the first.</summary>
    string LastReading { get; }

    /// <summary>Whether the source runs here, and why not; <see cref="SourceAvailability.NotStarted"/> before <see cref="Start"/>.</summary>
    SourceAvailability Availability { get; }

    /// <summary>Raised after <see cref="Current"/> changed.</summary>
    event EventHandler<SignalChangedEventArgs<TState>>? Changed;

    /// <summary>Starts watching. Idempotent; throws only <see cref="ObjectDisposedException"/>.</summary>
    void Start();
}

/// <summary>A source of memory pressure levels.</summary>
public interface IPressureSource : ISignalSource<PressureLevel>;
