using System.Globalization;

namespace MediaMemory.Pressure;

/// <summary>One step of a <see cref="SignalScript{TState}"/>: at <paramref name="At"/> after the source started, the state becomes <paramref name="State"/>.</summary>
/// <typeparam name="TState">The state: <see cref="PressureLevel"/> or <see cref="Platform.ThermalState"/>.</typeparam>
/// <param name="At">Time since the source started, ≥ 0.</param>
/// <param name="State">The state from then on.</param>
public readonly record struct SignalScriptStep<TState>(TimeSpan At, TState State)
    where TState : struct, Enum
{
    /// <summary>The step as script text, e.g. <c>5s:warning</c> or <c>1500ms:critical</c>; <see cref="SignalScript{TState}.Parse(string)"/> reads it back.</summary>
    public override string ToString() => FormatTime(At) + ":" + State.ToString().ToLowerInvariant();

    /// <summary>A time in the largest script unit that divides it (<c>2m</c>, <c>5s</c>, <c>1500ms</c>, <c>0.5ms</c>).</summary>
    internal static string FormatTime(TimeSpan time)
    {
        if (time.Ticks % TimeSpan.TicksPerMinute == 0 && time.Ticks != 0)
        {
            return (time.Ticks / TimeSpan.TicksPerMinute).ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (time.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return (time.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
        }

        // Ticks are 100 ns, so a tick count over 10 000 is exact in decimal.
        return ((decimal)time.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
