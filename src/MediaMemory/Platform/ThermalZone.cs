using System.Globalization;

namespace MediaMemory.Platform;

/// <summary>
/// One kernel thermal zone as read from its sysfs directory (<c>/sys/class/thermal/thermal_zoneN</c>): its
/// <c>type</c>, <c>temp</c> and trip points, temperatures in millidegrees Celsius.
/// </summary>
/// <param name="Name">The directory name, e.g. <c>thermal_zone0</c>.</param>
/// <param name="Type">The <c>type</c> file, e.g. <c>x86_pkg_temp</c> or <c>acpitz</c>; empty when missing.</param>
/// <param name="TemperatureMillicelsius">The <c>temp</c> file.</param>
/// <param name="IsEnabled">False when the <c>mode</c> file says <c>disabled</c> (its temperature may be stale).</param>
/// <param name="Trips">The trip points of a known type (active, passive, hot, critical), by index.</param>
public sealed record ThermalZone(string Name, string Type, long TemperatureMillicelsius, bool IsEnabled, IReadOnlyList<ThermalZoneTrip> Trips)
{
    /// <summary>Where Linux lists thermal zones.</summary>
    public const string DefaultRootDirectory = "/sys/class/thermal";

    private const string ZonePrefix = "thermal_zone";
    private const string TripPrefix = "trip_point_";

    /// <summary>The zone directories under <paramref name="rootDirectory"/> (<c>thermal_zoneN</c>, symlinks
    /// included), in order of N; empty when there are none or the directory does not exist.</summary>
    public static IReadOnlyList<string> FindZoneDirectories(string rootDirectory = DefaultRootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        if (!Directory.Exists(rootDirectory))
        {
            return [];
        }

        // In sysfs the zones are symlinks to directories: take entries of any kind and keep those that lead to one.
        return
        [
            .. Directory.EnumerateFileSystemEntries(rootDirectory, ZonePrefix + "*")
                .Select(path => (Path: path, Number: ZoneNumber(Path.GetFileName(path))))
                .Where(zone => zone.Number >= 0 && Directory.Exists(zone.Path))
                .OrderBy(zone => zone.Number)
                .Select(zone => zone.Path),
        ];
    }

    /// <summary>Reads one zone directory.</summary>
    /// <exception cref="FormatException">A temperature file does not hold an integer, or a trip type is empty;
    /// the message names the zone and file.</exception>
    /// <exception cref="IOException">A file could not be read (e.g. <c>temp</c> is missing, or the sensor answers EIO).</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public static ThermalZone Read(string zoneDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(zoneDirectory);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(zoneDirectory));
        var typePath = Path.Combine(zoneDirectory, "type");
        var type = File.Exists(typePath) ? File.ReadAllText(typePath).Trim() : string.Empty;
        var modePath = Path.Combine(zoneDirectory, "mode");
        var enabled = !File.Exists(modePath) || !string.Equals(File.ReadAllText(modePath).Trim(), "disabled", StringComparison.Ordinal);
        var temperature = ReadMillicelsius(zoneDirectory, name, "temp");

        var trips = new List<ThermalZoneTrip>();
        foreach (var typeFile in Directory.EnumerateFiles(zoneDirectory, TripPrefix + "*_type"))
        {
            var file = Path.GetFileName(typeFile);
            if (!int.TryParse(file.AsSpan(TripPrefix.Length, file.Length - TripPrefix.Length - "_type".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                continue;
            }

            // Types this model does not know (none today) are left out, not an error.
            if (TryParseTripType(File.ReadAllText(typeFile).Trim(), out var tripType))
            {
                trips.Add(new ThermalZoneTrip(index, tripType, ReadMillicelsius(zoneDirectory, name, $"{TripPrefix}{index}_temp")));
            }
        }

        trips.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new ThermalZone(name, type, temperature, enabled, trips);
    }

    /// <summary>Millidegrees as degrees for people, e.g. <c>72.5 °C</c>.</summary>
    public static string FormatCelsius(long millicelsius) =>
        (millicelsius / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " °C";

    /// <summary>The zone for people, e.g. <c>thermal_zone3 (x86_pkg_temp) 72.0 °C</c>.</summary>
    public override string ToString() =>
        Type.Length == 0 ? $"{Name} {FormatCelsius(TemperatureMillicelsius)}" : $"{Name} ({Type}) {FormatCelsius(TemperatureMillicelsius)}";

    private static long ReadMillicelsius(string zoneDirectory, string zoneName, string file)
    {
        var text = File.ReadAllText(Path.Combine(zoneDirectory, file)).Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        var shown = text.Length > 40 ? text[..40] + "…" : text;
        throw new FormatException($"{zoneName}/{file}: '{shown}' is not a temperature in millidegrees Celsius");
    }

    private static bool TryParseTripType(string text, out ThermalZoneTripType type)
    {
        (type, var known) = text switch
        {
            "active" => (ThermalZoneTripType.Active, true),
            "passive" => (ThermalZoneTripType.Passive, true),
            "hot" => (ThermalZoneTripType.Hot, true),
            "critical" => (ThermalZoneTripType.Critical, true),
            _ => (default, false),
        };
        return known;
    }

    private static int ZoneNumber(string name) =>
        name.Length > ZonePrefix.Length && int.TryParse(name.AsSpan(ZonePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
