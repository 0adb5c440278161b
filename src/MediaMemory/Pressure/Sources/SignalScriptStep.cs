namespace MediaMemory.Pressure;

/// <summary>One step of a <see cref="SignalScript{TState}"/>: at <paramref name="At"/> after the source started, the state becomes <paramref name="State"/>.</summary>
/// <typeparam name="TState">The state: <see cref="PressureLevel"/> or <see cref="Platform.ThermalState"/>.</typeparam>
/// <param name="At">Time since the source started, ≥ 0.</param>
/// <param name="State">The state from then on.</param>
public readonly record struct SignalScriptStep<TState>(TimeSpan At, TState State)
    where TState : struct, Enum
{
    /// <summary>The step as script text, e.g. <c>5s:warning</c> or <c>1500ms:critical</c>; <see cref="SignalScript{TState}.Parse(string)"/> reads it back.</summary>
    public override string ToString() => SourceIntervals.Format(At) + ":" + State.ToString().ToLowerInvariant();
}
