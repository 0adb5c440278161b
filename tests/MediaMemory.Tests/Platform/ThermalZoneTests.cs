using MediaMemory.Platform;

namespace MediaMemory.Tests.Platform;

public sealed class ThermalZoneTests
{
    private static ThermalZoneTrip Trip(int index, ThermalZoneTripType type, double celsius) => new(index, type, (long)(celsius * 1000));

    [Theory]
    [InlineData(64.999, ThermalState.Nominal)]
    [InlineData(65.0, ThermalState.Fair)]
    [InlineData(69.999, ThermalState.Fair)]
    [InlineData(70.0, ThermalState.Serious)]
    [InlineData(94.999, ThermalState.Serious)]
    [InlineData(95.0, ThermalState.Critical)]
    [InlineData(-20.0, ThermalState.Nominal)]
    public void PassiveAndCritical_SeriousAtPassive_FairFiveBelow_CriticalFiveBelowTheCriticalTrip(double celsius, ThermalState expected)
    {
        var thresholds = ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Passive, 70), Trip(1, ThermalZoneTripType.Critical, 100)])!;

        Assert.Equal(new ThermalZoneThresholds(65_000, 70_000, 95_000), thresholds);
        Assert.Equal(expected, thresholds.Classify((long)Math.Round(celsius * 1000)));
    }

    [Fact]
    public void AHotTrip_IsWhereCriticalStarts()
    {
        var thresholds = ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Passive, 80), Trip(1, ThermalZoneTripType.Hot, 90), Trip(2, ThermalZoneTripType.Critical, 100)]);

        Assert.Equal(new ThermalZoneThresholds(75_000, 80_000, 90_000), thresholds);
    }

    [Fact]
    public void ACriticalTripOnly_PutsSeriousTenBelowCritical()
    {
        var thresholds = ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Critical, 105)]);

        Assert.Equal(new ThermalZoneThresholds(85_000, 90_000, 100_000), thresholds);
        Assert.Equal("fair from 85.0 °C, serious from 90.0 °C, critical from 100.0 °C", thresholds!.ToString());
    }

    [Fact]
    public void APassiveTripOnly_NeverReadsCritical()
    {
        var thresholds = ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Passive, 60)])!;

        Assert.Null(thresholds.CriticalMillicelsius);
        Assert.Equal(ThermalState.Serious, thresholds.Classify(200_000));
        Assert.Equal("fair from 55.0 °C, serious from 60.0 °C, critical never (no hot or critical trip)", thresholds.ToString());
    }

    [Fact]
    public void APassiveTripAboveTheHotTrip_IsClampedToIt()
    {
        var thresholds = ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Passive, 95), Trip(1, ThermalZoneTripType.Hot, 90)]);

        Assert.Equal(new ThermalZoneThresholds(85_000, 90_000, 90_000), thresholds);
    }

    [Fact]
    public void TheLowestTripOfAKindCounts()
    {
        var thresholds = ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Passive, 90), Trip(1, ThermalZoneTripType.Passive, 70), Trip(2, ThermalZoneTripType.Critical, 100)]);

        Assert.Equal(70_000, thresholds!.SeriousMillicelsius);
    }

    [Fact]
    public void ActiveTripsAndPlaceholdersAtZero_GiveNoThresholds()
    {
        Assert.Null(ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Active, 50), Trip(1, ThermalZoneTripType.Active, 60)]));
        Assert.Null(ThermalZoneThresholds.FromTrips([Trip(0, ThermalZoneTripType.Passive, 0), Trip(1, ThermalZoneTripType.Critical, -1)]));
        Assert.Null(ThermalZoneThresholds.FromTrips([]));
    }

    [Fact]
    public void Read_TakesTypeTemperatureAndTripsInIndexOrder()
    {
        using var tree = new ThermalSysfsTree().Zone(3, "cpu-thermal", "-4500", [.. Enumerable.Range(0, 12).Select(i => ("active", $"{(i + 1) * 1000}"))]);
        tree.Write(3, "trip_point_11_type", "critical");

        var zone = ThermalZone.Read(Path.Combine(tree.Root, "thermal_zone3"));

        Assert.Equal(("thermal_zone3", "cpu-thermal", -4_500L, true), (zone.Name, zone.Type, zone.TemperatureMillicelsius, zone.IsEnabled));
        Assert.Equal(Enumerable.Range(0, 12), zone.Trips.Select(t => t.Index));
        Assert.Equal(new ThermalZoneTrip(11, ThermalZoneTripType.Critical, 12_000), zone.Trips[^1]);
        Assert.Equal("thermal_zone3 (cpu-thermal) -4.5 °C", zone.ToString());
    }

    [Theory]
    [InlineData("abc", "thermal_zone0/temp: 'abc' is not a temperature in millidegrees Celsius")]
    [InlineData("", "thermal_zone0/temp: '' is not a temperature in millidegrees Celsius")]
    [InlineData("45.5", "thermal_zone0/temp: '45.5' is not a temperature in millidegrees Celsius")]
    [InlineData("99999999999999999999", "thermal_zone0/temp: '99999999999999999999' is not a temperature in millidegrees Celsius")]
    public void Read_OfAMalformedTemperature_ThrowsFormatExceptionNamingTheFile(string temp, string message)
    {
        using var tree = new ThermalSysfsTree().Zone(0, "acpitz", temp, ("critical", "105000"));

        Assert.Equal(message, Assert.Throws<FormatException>(() => ThermalZone.Read(Path.Combine(tree.Root, "thermal_zone0"))).Message);
    }

    [Fact]
    public void Read_OfAMalformedTripTemperature_ThrowsFormatExceptionNamingTheFile()
    {
        using var tree = new ThermalSysfsTree().Zone(0, "acpitz", "40000", ("passive", "70000"), ("critical", "hot!"));

        Assert.Equal("thermal_zone0/trip_point_1_temp: 'hot!' is not a temperature in millidegrees Celsius", Assert.Throws<FormatException>(() => ThermalZone.Read(Path.Combine(tree.Root, "thermal_zone0"))).Message);
    }

    [Fact]
    public void Read_WithoutATemperatureFile_ThrowsIOException()
    {
        using var tree = new ThermalSysfsTree().Zone(0, "acpitz", temp: null, ("critical", "105000"));

        Assert.Throws<FileNotFoundException>(() => ThermalZone.Read(Path.Combine(tree.Root, "thermal_zone0")));
    }

    [Fact]
    public void Read_SeesADisabledZone_AndLeavesOutUnknownTripTypes()
    {
        using var tree = new ThermalSysfsTree().Zone(0, "acpitz", "40000", ("passive", "70000"), ("emergency", "99000"));
        tree.Write(0, "mode", "disabled");

        var zone = ThermalZone.Read(Path.Combine(tree.Root, "thermal_zone0"));

        Assert.False(zone.IsEnabled);
        Assert.Equal([new ThermalZoneTrip(0, ThermalZoneTripType.Passive, 70_000)], zone.Trips);
    }

    [Fact]
    public void FindZoneDirectories_FollowsSymlinks_InNumericOrder_AndIgnoresOtherEntries()
    {
        using var tree = new ThermalSysfsTree().Zone(10, "a", "1").Zone(2, "b", "1").Zone(0, "c", "1");
        Directory.CreateDirectory(Path.Combine(tree.Root, "cooling_device0"));
        Directory.CreateDirectory(Path.Combine(tree.Root, "thermal_zoneX"));
        File.WriteAllText(Path.Combine(tree.Root, "thermal_zone7"), "a file, not a zone");

        var zones = ThermalZone.FindZoneDirectories(tree.Root);

        Assert.Equal(["thermal_zone0", "thermal_zone2", "thermal_zone10"], zones.Select(Path.GetFileName));
    }

    [Fact]
    public void FindZoneDirectories_OfAMissingDirectory_IsEmpty()
    {
        using var tree = new ThermalSysfsTree();

        Assert.Empty(ThermalZone.FindZoneDirectories(Path.Combine(tree.Root, "absent")));
    }
}
