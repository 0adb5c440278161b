using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure;

/// <summary>
/// A source the test sets by hand, built on the real <see cref="SignalSource{TState}"/> base, so the
/// coordinator is exercised through the same event path as every real source.
/// </summary>
internal sealed class ManualSource(string name = "manual", SignalKind kind = SignalKind.Scripted, TimeProvider? time = null)
    : SignalSource<PressureLevel>(name, kind, time, null), IPressureSource
{
    public Func<SourceAvailability>? StartBehaviour { get; init; }

    public int StopCalls { get; private set; }

    public bool Set(PressureLevel level, string reading = "set by test") => Report(level, reading);

    public void Fail(string reason) => MarkUnavailable(reason);

    protected override SourceAvailability OnStart() => StartBehaviour?.Invoke() ?? SourceAvailability.Available("test");

    protected override void OnStop() => StopCalls++;
}

/// <summary>A thermal source set by hand (same base as the real ones).</summary>
internal sealed class ManualThermalSource(string name = "manual-thermal", TimeProvider? time = null)
    : SignalSource<ThermalState>(name, SignalKind.Scripted, time, null), IThermalSource
{
    public bool Set(ThermalState state, string reading = "set by test") => Report(state, reading);

    protected override SourceAvailability OnStart() => SourceAvailability.Available("test");
}

/// <summary>A responder that records what it was told, and can act or throw.</summary>
internal sealed class RecordingResponder(string name, PressureStage stage, List<string>? log = null) : IPressureResponder
{
    public string Name { get; } = name;

    public PressureStage Stage { get; } = stage;

    public List<PressureResponse> Responses { get; } = [];

    public Action<PressureResponse>? OnRespond { get; init; }

    public void Respond(PressureResponse response)
    {
        Responses.Add(response);
        log?.Add(Name);
        OnRespond?.Invoke(response);
    }
}

/// <summary>A memory-fill source set by hand whose fit check throws: a third-party source with a defect.</summary>
internal sealed class ThrowingFillSource(TimeProvider? time = null)
    : SignalSource<PressureLevel>("throwing-fill", SignalKind.Kernel, time, null), IMemoryFillSource
{
    public int Calls { get; private set; }

    public bool Set(PressureLevel level) => Report(level, "set by test");

    public bool WouldStayBelow(PressureLevel level, long growthBytes, out string reading)
    {
        Calls++;
        throw new InvalidOperationException("defect in a fill source");
    }

    protected override SourceAvailability OnStart() => SourceAvailability.Available("test");
}
