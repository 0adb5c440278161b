namespace MediaMemory.Tests.Platform;

/// <summary>
/// A real directory laid out like <c>/sys/class/thermal</c>: each zone is a directory under <c>devices/</c> with
/// a symlink <c>thermal_zoneN</c> to it at the root, as sysfs has it, holding <c>type</c>, <c>temp</c> and
/// <c>trip_point_N_type</c>/<c>_temp</c> files with the text the kernel writes (a trailing newline). Deleted on dispose.
/// </summary>
internal sealed class ThermalSysfsTree : IDisposable
{
    public ThermalSysfsTree() => Root = Directory.CreateTempSubdirectory("mediamem-thermal-").FullName;

    /// <summary>The directory standing in for /sys/class/thermal.</summary>
    public string Root { get; }

    /// <summary>Adds zone <paramref name="number"/> with a temperature file holding <paramref name="temp"/> (millidegrees,
    /// or any text; null for no file) and trip points of (type, temp) in index order.</summary>
    public ThermalSysfsTree Zone(int number, string type, string? temp, params (string Type, string Temp)[] trips)
    {
        var device = Directory.CreateDirectory(Path.Combine(Root, "devices", $"virtual-thermal-{number}")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(Root, $"thermal_zone{number}"), device);
        File.WriteAllText(Path.Combine(device, "type"), type + "\n");
        if (temp is not null)
        {
            File.WriteAllText(Path.Combine(device, "temp"), temp + "\n");
        }

        for (var i = 0; i < trips.Length; i++)
        {
            File.WriteAllText(Path.Combine(device, $"trip_point_{i}_type"), trips[i].Type + "\n");
            File.WriteAllText(Path.Combine(device, $"trip_point_{i}_temp"), trips[i].Temp + "\n");
        }

        return this;
    }

    /// <summary>Writes <paramref name="text"/> (and a newline) to <paramref name="file"/> of zone <paramref name="number"/>.</summary>
    public void Write(int number, string file, string text) =>
        File.WriteAllText(Path.Combine(Root, $"thermal_zone{number}", file), text + "\n");

    /// <summary>Deletes <paramref name="file"/> of zone <paramref name="number"/>.</summary>
    public void Delete(int number, string file) => File.Delete(Path.Combine(Root, $"thermal_zone{number}", file));

    /// <summary>
    /// Zones as recorded on a laptop (x86, ACPI): acpitz with a critical trip only; x86_pkg_temp with the two
    /// passive trips at 0 the driver writes as placeholders; and, from a phone-like board, a skin sensor with
    /// passive and hot trips.
    /// </summary>
    public static ThermalSysfsTree Laptop(string acpitz = "45000", string package = "52000", string skin = "36000") =>
        new ThermalSysfsTree()
            .Zone(0, "acpitz", acpitz, ("critical", "105000"))
            .Zone(1, "x86_pkg_temp", package, ("passive", "0"), ("passive", "0"))
            .Zone(2, "skin-therm", skin, ("active", "35000"), ("passive", "42000"), ("hot", "45000"), ("critical", "60000"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail the test that made it.
        }
    }
}
