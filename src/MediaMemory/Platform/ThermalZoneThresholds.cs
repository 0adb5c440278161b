namespace MediaMemory.Platform;

/// <summary>
/// Where one zone's temperature turns into a <see cref="ThermalState"/>, from its trip points.
/// </summary>
/// <remarks>
/// <para>The mapping (temperatures in millidegrees Celsius; "at" means at or above):</para>
/// <list type="bullet">
/// <item>Critical at the lowest <c>hot</c> trip; without one, <see cref="CriticalMarginMillicelsius"/> (5 °C) below
/// the lowest <c>critical</c> trip, where the kernel would shut the machine down.</item>
/// <item>Serious at the lowest <c>passive</c> trip, where the kernel starts throttling; without one,
/// <see cref="SeriousMarginMillicelsius"/> (10 °C) below the Critical threshold. Never above the Critical threshold.</item>
/// <item>Fair <see cref="FairMarginMillicelsius"/> (5 °C) below the Serious threshold.</item>
/// <item>Nominal below that.</item>
/// </list>
/// <para>
/// <c>active</c> trips (fans) are ignored: reaching one is normal operation. Trips at or below 0 °C are ignored
/// as placeholders (some drivers write 0 for a disabled trip). A zone with a <c>passive</c> trip and no
/// <c>hot</c> or <c>critical</c> one never reads Critical; a zone with none of the three has no thresholds and is
/// ignored (what is hot differs too much between sensors to guess). Immutable and thread-safe.
/// </para>
/// </remarks>
/// <param name="FairMillicelsius">Fair at or above this.</param>
/// <param name="SeriousMillicelsius">Serious at or above this.</param>
/// <param name="CriticalMillicelsius">Critical at or above this; null when the zone has no hot or critical trip.</param>
public sealed record ThermalZoneThresholds(long FairMillicelsius, long SeriousMillicelsius, long? CriticalMillicelsius)
{
    /// <summary>Fair starts this far below Serious: 5 °C (arbitrary: a few seconds of a loaded SoC's climb).</summary>
    public const long FairMarginMillicelsius = 5_000;

    /// <summary>Without a passive trip, Serious starts this far below Critical: 10 °C (arbitrary).</summary>
    public const long SeriousMarginMillicelsius = 10_000;

    /// <summary>Without a hot trip, Critical starts this far below the critical trip: 5 °C (arbitrary: act
    /// before the kernel's emergency shutdown, not at it).</summary>
    public const long CriticalMarginMillicelsius = 5_000;

    /// <summary>The thresholds of a zone with <paramref name="trips"/>, or null when it has no passive, hot or critical trip above 0 °C.</summary>
    public static ThermalZoneThresholds? FromTrips(IEnumerable<ThermalZoneTrip> trips)
    {
        ArgumentNullException.ThrowIfNull(trips);
        long? passive = null, hot = null, critical = null;
        foreach (var trip in trips)
        {
            if (trip.TemperatureMillicelsius <= 0)
            {
                continue;
            }

            switch (trip.Type)
            {
                case ThermalZoneTripType.Passive: passive = Lowest(passive, trip.TemperatureMillicelsius); break;
                case ThermalZoneTripType.Hot: hot = Lowest(hot, trip.TemperatureMillicelsius); break;
                case ThermalZoneTripType.Critical: critical = Lowest(critical, trip.TemperatureMillicelsius); break;
                default: break; // active: fans, normal operation
            }
        }

        var criticalAt = hot ?? critical - CriticalMarginMillicelsius;
        var seriousAt = passive ?? criticalAt - SeriousMarginMillicelsius;
        if (seriousAt is not { } serious)
        {
            return null;
        }

        serious = criticalAt is { } c ? Math.Min(serious, c) : serious;
        return new ThermalZoneThresholds(serious - FairMarginMillicelsius, serious, criticalAt);
    }

    /// <summary>The state at <paramref name="temperatureMillicelsius"/>.</summary>
    public ThermalState Classify(long temperatureMillicelsius) =>
        temperatureMillicelsius >= CriticalMillicelsius ? ThermalState.Critical
        : temperatureMillicelsius >= SeriousMillicelsius ? ThermalState.Serious
        : temperatureMillicelsius >= FairMillicelsius ? ThermalState.Fair
        : ThermalState.Nominal;

    /// <summary>E.g. <c>fair from 65.0 °C, serious from 70.0 °C, critical from 95.0 °C</c>.</summary>
    public override string ToString() =>
        $"fair from {ThermalZone.FormatCelsius(FairMillicelsius)}, serious from {ThermalZone.FormatCelsius(SeriousMillicelsius)}, critical "
        + (CriticalMillicelsius is { } c ? "from " + ThermalZone.FormatCelsius(c) : "never (no hot or critical trip)");

    private static long Lowest(long? current, long candidate) => current is { } c ? Math.Min(c, candidate) : candidate;
}
