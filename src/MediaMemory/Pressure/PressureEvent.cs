using MediaMemory.Platform;

namespace MediaMemory.Pressure;

/// <summary>One change the coordinator responded to: a new pressure level or a new thermal state.</summary>
/// <param name="Level">The combined pressure level after the change.</param>
/// <param name="Previous">The level before.</param>
/// <param name="Thermal">The thermal state after the change.</param>
/// <param name="Source">The source whose signal caused it.</param>
/// <param name="Kind">Where that signal came from (kernel, runtime, budget, script).</param>
/// <param name="Reading">The source's raw reading.</param>
/// <param name="At">When the coordinator finished responding (wall clock).</param>
/// <param name="SinceStart">When the signal was observed, measured from the coordinator's start.</param>
/// <param name="Latency">From the signal being observed to the last responder finishing (and the budget limit set).</param>
/// <param name="ReleasedBytes">Bytes the budget's accounting saw released during the response (never negative).</param>
/// <param name="BudgetLimitBytes">The budget's limit after the response.</param>
/// <param name="FailedResponders">Names of responders that threw.</param>
/// <param name="Steps">How long each step of the response took, in the order run: every responder by name,
/// and setting the budget's limit as <c>budget-limit</c> (which includes the reclaimers it asked).</param>
public sealed record PressureEvent(
    PressureLevel Level,
    PressureLevel Previous,
    ThermalState Thermal,
    string Source,
    SignalKind Kind,
    string Reading,
    DateTimeOffset At,
    TimeSpan SinceStart,
    TimeSpan Latency,
    long ReleasedBytes,
    long BudgetLimitBytes,
    IReadOnlyList<string> FailedResponders,
    IReadOnlyList<ResponseStep> Steps);

/// <summary>One step of a response and how long it took.</summary>
/// <param name="Name">The responder's name, or <c>budget-limit</c>.</param>
/// <param name="Duration">Wall-clock time the step took.</param>
public readonly record struct ResponseStep(string Name, TimeSpan Duration);
