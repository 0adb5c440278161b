using MediaMemory.Pressure;

namespace MediaMemory.Platform;

/// <summary>
/// The device's thermal state from the Linux kernel's thermal zones: every
/// <see cref="PollingSourceOptions.Interval"/> it reads each <c>thermal_zoneN</c> under
/// <see cref="LinuxThermalSourceOptions.RootDirectory"/> (<c>temp</c> and the trip points), maps each zone with
/// <see cref="ThermalZoneThresholds"/>, and reports the worst zone. Name <c>thermal</c>, kind <see cref="SignalKind.Kernel"/>.
/// </summary>
/// <remarks>
/// <para>
/// A zone that cannot be read (a malformed or missing <c>temp</c>, a sensor answering EIO), that the kernel
/// marks disabled, or that has no passive, hot or critical trip is skipped, and the reading says why; the other
/// zones still count. When no zone is left the source is unavailable, with the reasons, and stays Nominal: it
/// never makes up a temperature. Without any zone (a container, most VMs) it is unavailable at
/// <see cref="SignalSource{TState}.Start"/> with "no thermal zones under /sys/class/thermal".
/// If every zone stops being readable after the start, the source marks itself unavailable and stops reading.
/// </para>
/// <para>The worst zone wins; between zones of the same state, the one furthest above its Serious threshold.</para>
/// <para>Thread-safe: reads run on the timer, one at a time (the timer callback is the only reader after Start).</para>
/// </remarks>
public sealed class LinuxThermalSource : SignalSource<ThermalState>, IThermalSource
{
    private ITimer? _timer;

    /// <summary>Creates the source.</summary>
    /// <param name="options">Settings; defaults (the real <c>/sys/class/thermal</c>, every 1 s) when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public LinuxThermalSource(LinuxThermalSourceOptions? options = null)
        : base("thermal", SignalKind.Kernel, (options ??= new LinuxThermalSourceOptions()).TimeProvider, options.Logger)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public LinuxThermalSourceOptions Options { get; }

    /// <summary>
    /// Whether the source would run here, without starting it: available with a summary such as
    /// <c>/sys/class/thermal: 3 thermal zones, 2 usable</c>, or unavailable with the reason.
    /// </summary>
    /// <param name="rootDirectory">The directory holding <c>thermal_zoneN</c>; <c>/sys/class/thermal</c> by default.</param>
    public static SourceAvailability Probe(string rootDirectory = ThermalZone.DefaultRootDirectory)
    {
        var sample = Sample(rootDirectory);
        return sample.Worst is null
            ? SourceAvailability.Unavailable(sample.Reading)
            : SourceAvailability.Available($"{rootDirectory}: {Count(sample.Zones, "thermal zone")}, {sample.Usable} usable");
    }

    /// <summary>
    /// Reads every zone under <paramref name="rootDirectory"/> once: the worst zone's state (null when no zone is
    /// usable), the reading (or the reason none is usable), and how many zones there were and were usable.
    /// </summary>
    internal static ThermalSample Sample(string rootDirectory)
    {
        var directories = ThermalZone.FindZoneDirectories(rootDirectory);
        if (directories.Count == 0)
        {
            return new ThermalSample(null, ThermalState.Nominal, $"no thermal zones under {rootDirectory}", 0, 0);
        }

        var skipped = new List<string>();
        (ThermalZone Zone, ThermalZoneThresholds Thresholds, ThermalState State)? worst = null;
        var usable = 0;
        foreach (var directory in directories)
        {
            if (!TryAssess(directory, out var zone, out var thresholds, out var problem))
            {
                skipped.Add(problem);
                continue;
            }

            usable++;
            var state = thresholds.Classify(zone.TemperatureMillicelsius);
            if (worst is not { } w || state > w.State ||
                (state == w.State && zone.TemperatureMillicelsius - thresholds.SeriousMillicelsius > w.Zone.TemperatureMillicelsius - w.Thresholds.SeriousMillicelsius))
            {
                worst = (zone, thresholds, state);
            }
        }

        var skippedText = skipped.Count == 0 ? string.Empty : "skipped " + string.Join("; ", skipped);
        if (worst is not { } found)
        {
            return new ThermalSample(null, ThermalState.Nominal, $"no usable thermal zone under {rootDirectory}: {skippedText}", directories.Count, 0);
        }

        var reading = $"{found.Zone}: {found.State.ToString().ToLowerInvariant()} ({found.Thresholds}); {Count(directories.Count, "zone")}, {usable} usable"
            + (skipped.Count == 0 ? string.Empty : "; " + skippedText);
        return new ThermalSample(found.Zone, found.State, reading, directories.Count, usable);
    }

    /// <inheritdoc />
    protected override SourceAvailability OnStart()
    {
        var first = Sample(Options.RootDirectory);
        if (first.Worst is null)
        {
            return SourceAvailability.Unavailable(first.Reading);
        }

        Report(first.State, first.Reading);
        _timer = SourceIntervals.StartWeak(TimeProvider, Options.Interval, this, static source => source.Tick());
        return SourceAvailability.Available($"{Options.RootDirectory}: {Count(first.Zones, "thermal zone")}, {first.Usable} usable, every {SourceIntervals.Format(Options.Interval)}");
    }

    /// <inheritdoc />
    protected override void OnStop() => _timer?.Dispose();

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static bool TryAssess(string directory, out ThermalZone zone, out ThermalZoneThresholds thresholds, out string problem)
    {
        zone = null!;
        thresholds = null!;
        try
        {
            zone = ThermalZone.Read(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            var message = ex.Message.ReplaceLineEndings(" ");
            problem = ex is FormatException ? message : $"{Path.GetFileName(directory)}: {message}";
            return false;
        }

        if (!zone.IsEnabled)
        {
            problem = $"{zone.Name}: disabled";
            return false;
        }

        if (ThermalZoneThresholds.FromTrips(zone.Trips) is not { } found)
        {
            problem = $"{zone.Name}{(zone.Type.Length == 0 ? string.Empty : $" ({zone.Type})")}: no passive, hot or critical trip point";
            return false;
        }

        thresholds = found;
        problem = string.Empty;
        return true;
    }

    private void Tick()
    {
        var sample = Sample(Options.RootDirectory);
        if (sample.Worst is null)
        {
            _timer?.Dispose();
            MarkUnavailable(sample.Reading);
            return;
        }

        Report(sample.State, sample.Reading);
    }

    /// <summary>One read of all zones.</summary>
    /// <param name="Worst">The zone that decided the state; null when no zone is usable.</param>
    /// <param name="State">The worst zone's state (Nominal when none).</param>
    /// <param name="Reading">For reports: the worst zone, its thresholds and what was skipped; or why nothing is usable.</param>
    /// <param name="Zones">Zone directories found.</param>
    /// <param name="Usable">Zones that were read and have thresholds.</param>
    internal readonly record struct ThermalSample(ThermalZone? Worst, ThermalState State, string Reading, int Zones, int Usable);
}
