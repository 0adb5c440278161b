using System.Diagnostics.Metrics;

namespace MediaMemory.Internals;

/// <summary>
/// The library's instruments on the meter named <c>MediaMemory</c>. Hot paths check
/// <see cref="Instrument.Enabled"/> first so that nothing is done when nobody listens.
/// </summary>
internal static class MediaMemoryMetrics
{
    public const string MeterName = "MediaMemory";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Reservations = Meter.CreateCounter<long>(
        "mediamemory.budget.reservations", unit: "{reservation}", description: "Reservations granted by a memory budget.");

    public static readonly Counter<long> ReservedBytes = Meter.CreateCounter<long>(
        "mediamemory.budget.reserved", unit: "By", description: "Bytes granted by a memory budget.");

    public static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "mediamemory.budget.refusals", unit: "{reservation}", description: "Reservations refused, tagged with the reason.");

    public static readonly Counter<long> ReclaimedBytes = Meter.CreateCounter<long>(
        "mediamemory.budget.reclaimed", unit: "By", description: "Bytes released by reclaimers, tagged with the reason.");

    public static readonly Counter<long> LimitChanges = Meter.CreateCounter<long>(
        "mediamemory.budget.limit_changes", unit: "{change}", description: "Changes of a budget's limit.");
}
