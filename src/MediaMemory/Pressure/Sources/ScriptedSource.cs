using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// A pressure source that plays a timeline, for demos and tests: <c>5s:warning,8s:critical,12s:normal</c>
/// is Normal from <see cref="SignalSource{TState}.Start"/>, Warning from 5 s after it, Critical from 8 s,
/// Normal again from 12 s, and stays there. Name <c>script</c>, kind <see cref="SignalKind.Scripted"/>.
/// </summary>
/// <remarks>
/// Times run on the <see cref="TimeProvider"/> given (a fake one in tests), measured from Start; see
/// <see cref="ScriptedSignalSource{TState}"/> for the rules and <see cref="SignalScript{TState}"/> for the syntax.
/// Thread-safe; always available.
/// </remarks>
public sealed class ScriptedSource : ScriptedSignalSource<PressureLevel>, IPressureSource
{
    /// <summary>Creates the source from script text.</summary>
    /// <param name="script">E.g. <c>5s:warning,8s:critical,12s:normal</c>; levels normal, warning, critical.</param>
    /// <param name="timeProvider">The clock that drives the steps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="FormatException">The script is malformed; the message names the item.</exception>
    public ScriptedSource(string script, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(SignalScript<PressureLevel>.Parse(script), timeProvider, logger)
    {
    }

    /// <summary>Creates the source from a parsed script.</summary>
    /// <param name="script">The timeline.</param>
    /// <param name="timeProvider">The clock that drives the steps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    public ScriptedSource(SignalScript<PressureLevel> script, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base("script", script, timeProvider, logger)
    {
    }
}
