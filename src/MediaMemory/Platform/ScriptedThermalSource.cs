using MediaMemory.Pressure;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Platform;

/// <summary>
/// A thermal source that plays a timeline, for demos and tests: <c>10s:fair,20s:serious,30s:nominal</c>,
/// states nominal, fair, serious, critical, with the syntax and timing of <see cref="ScriptedSource"/>.
/// Name <c>thermal-script</c>, kind <see cref="SignalKind.Scripted"/>.
/// </summary>
/// <remarks>Thread-safe; always available.</remarks>
public sealed class ScriptedThermalSource : ScriptedSignalSource<ThermalState>, IThermalSource
{
    /// <summary>Creates the source from script text.</summary>
    /// <param name="script">E.g. <c>10s:fair,20s:serious,30s:nominal</c>.</param>
    /// <param name="timeProvider">The clock that drives the steps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="FormatException">The script is malformed; the message names the item.</exception>
    public ScriptedThermalSource(string script, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(SignalScript<ThermalState>.Parse(script), timeProvider, logger)
    {
    }

    /// <summary>Creates the source from a parsed script.</summary>
    /// <param name="script">The timeline.</param>
    /// <param name="timeProvider">The clock that drives the steps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    public ScriptedThermalSource(SignalScript<ThermalState> script, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base("thermal-script", script, timeProvider, logger)
    {
    }
}
