namespace MediaMemory.Pressure;

/// <summary>
/// Something that gives memory back (or lowers its cost) when the pressure level or the heat changes,
/// and takes it up again when they fall: a cache, a quality-scalable renderer, a background queue.
/// </summary>
/// <remarks>
/// The coordinator calls <see cref="Respond"/> for every change, rising and falling, one change at a
/// time, in <see cref="Stage"/> order. It should return quickly: the coordinator measures the latency
/// from the signal to the last responder finishing. Release memory by disposing budget tokens — the
/// coordinator reports what the budget's accounting saw released, not what responders claim. A
/// responder that throws is logged, reported in the event and the others still run.
/// </remarks>
public interface IPressureResponder
{
    /// <summary>A name for reports and logs.</summary>
    string Name { get; }

    /// <summary>When, relative to other responders, this one runs.</summary>
    PressureStage Stage { get; }

    /// <summary>Responds to a change.</summary>
    void Respond(PressureResponse response);
}
