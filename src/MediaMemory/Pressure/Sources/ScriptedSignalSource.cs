using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// The common part of <see cref="ScriptedSource"/> and <see cref="Platform.ScriptedThermalSource"/>: plays a
/// <see cref="SignalScript{TState}"/> from <see cref="SignalSource{TState}.Start"/> on the source's
/// <see cref="TimeProvider"/>, reporting each step once, in order, at the time it was due.
/// </summary>
/// <typeparam name="TState">The state the script sets.</typeparam>
/// <remarks>
/// The state is the lowest until the first step; a step at 0 is reported before Start returns; after the
/// last step the state stays. When the clock jumps past several steps (a late timer, a fake clock advanced
/// by a minute) each is still reported, in turn, with its own due time as
/// <see cref="SignalChangedEventArgs{TState}.Timestamp"/>. Thread-safe; always available.
/// </remarks>
public abstract class ScriptedSignalSource<TState> : SignalSource<TState>
    where TState : struct, Enum
{
    private IDisposable? _player;

    /// <summary>Creates the source.</summary>
    /// <param name="name">Its name in reports.</param>
    /// <param name="script">The timeline.</param>
    /// <param name="timeProvider">The clock that drives the steps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    protected ScriptedSignalSource(string name, SignalScript<TState> script, TimeProvider? timeProvider, ILogger? logger)
        : base(name, SignalKind.Scripted, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(script);
        Script = script;
    }

    /// <summary>The timeline this source plays.</summary>
    public SignalScript<TState> Script { get; }

    /// <inheritdoc />
    protected override SourceAvailability OnStart()
    {
        _player = Script.Play(TimeProvider, (step, due) => Report(Script.Steps[step].State, Script.Describe(step), due));
        return SourceAvailability.Available(Script.Describe());
    }

    /// <inheritdoc />
    protected override void OnStop() => _player?.Dispose();
}
