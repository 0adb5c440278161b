using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Tests.Pressure.Sources;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Platform;

public sealed class ThermalLinuxSourceTests
{
    private static LinuxThermalSource SourceOn(ThermalSysfsTree tree, FakeTimeProvider? time = null) =>
        new(new LinuxThermalSourceOptions { RootDirectory = tree.Root, TimeProvider = time ?? new FakeTimeProvider() });

    [Fact]
    public void OnARecordedLaptop_TheWorstZoneWins_AndZonesWithoutTripsAreSkipped()
    {
        using var tree = ThermalSysfsTree.Laptop(acpitz: "45000", package: "88000", skin: "43000");
        using var source = SourceOn(tree);

        source.Start();

        Assert.Equal(("thermal", SignalKind.Kernel, ThermalState.Serious), (source.Name, source.Kind, source.Current));
        Assert.Equal(
            "thermal_zone2 (skin-therm) 43.0 °C: serious (fair from 37.0 °C, serious from 42.0 °C, critical from 45.0 °C); 3 zones, 2 usable; " +
            "skipped thermal_zone1 (x86_pkg_temp): no passive, hot or critical trip point",
            source.LastReading);
        Assert.Equal(SourceAvailability.Available($"{tree.Root}: 3 thermal zones, 2 usable, every 1s"), source.Availability);
    }

    [Fact]
    public void TemperatureChanges_AreReportedOnTheInterval()
    {
        var time = new FakeTimeProvider();
        using var tree = ThermalSysfsTree.Laptop();
        using var source = SourceOn(tree, time);
        var recorder = new SignalRecorder<ThermalState>(source);
        source.Start();
        Assert.Equal(ThermalState.Nominal, source.Current);

        tree.Write(2, "temp", "38500");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(ThermalState.Nominal, source.Current);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ThermalState.Fair, source.Current);
        tree.Write(0, "temp", "101000"); // acpitz: 4 °C short of its critical trip
        time.Advance(TimeSpan.FromSeconds(1));
        tree.Write(0, "temp", "50000");
        tree.Write(2, "temp", "30000");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([ThermalState.Fair, ThermalState.Critical, ThermalState.Nominal], recorder.States);
        Assert.StartsWith("thermal_zone0 (acpitz) 101.0 °C: critical (fair from 85.0 °C, serious from 90.0 °C, critical from 100.0 °C)", recorder.Changes[1].Reading, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedZone_IsSkippedWithItsReason_AndTheOthersStillCount()
    {
        using var tree = ThermalSysfsTree.Laptop(acpitz: "n/a", skin: "44000");
        using var source = SourceOn(tree);

        source.Start();

        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.Equal(ThermalState.Serious, source.Current);
        Assert.EndsWith(
            "3 zones, 1 usable; skipped thermal_zone0/temp: 'n/a' is not a temperature in millidegrees Celsius; thermal_zone1 (x86_pkg_temp): no passive, hot or critical trip point",
            source.LastReading,
            StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingTemperatureOrADisabledZone_IsSkipped()
    {
        using var tree = new ThermalSysfsTree()
            .Zone(0, "acpitz", temp: null, ("critical", "105000"))
            .Zone(1, "soc", "99000", ("passive", "70000"))
            .Zone(2, "gpu", "71000", ("passive", "70000"), ("critical", "100000"));
        tree.Write(1, "mode", "disabled");
        using var source = SourceOn(tree);

        source.Start();

        Assert.Equal(ThermalState.Serious, source.Current);
        Assert.StartsWith("thermal_zone2 (gpu) 71.0 °C: serious", source.LastReading, StringComparison.Ordinal);
        Assert.Contains("thermal_zone0: Could not find file", source.LastReading, StringComparison.Ordinal);
        Assert.EndsWith("; thermal_zone1: disabled", source.LastReading, StringComparison.Ordinal);
    }

    [Fact]
    public void BetweenZonesOfOneState_TheOneFurthestAboveItsSeriousThresholdWins()
    {
        using var tree = new ThermalSysfsTree()
            .Zone(0, "cpu", "72000", ("passive", "70000"), ("critical", "110000"))
            .Zone(1, "gpu", "84000", ("passive", "80000"), ("critical", "110000"))
            .Zone(2, "modem", "61000", ("passive", "60000"), ("critical", "110000"));
        using var source = SourceOn(tree);

        source.Start();

        Assert.StartsWith("thermal_zone1 (gpu) 84.0 °C: serious", source.LastReading, StringComparison.Ordinal);
    }

    [Fact]
    public void WhenNoZoneIsUsableAtStart_TheSourceIsUnavailableWithTheReasons_AndStaysNominal()
    {
        using var tree = new ThermalSysfsTree()
            .Zone(0, "acpitz", "garbage", ("critical", "105000"))
            .Zone(1, "x86_pkg_temp", "52000", ("passive", "0"));
        using var source = SourceOn(tree);

        source.Start();

        Assert.Equal(
            SourceAvailability.Unavailable($"no usable thermal zone under {tree.Root}: skipped thermal_zone0/temp: 'garbage' is not a temperature in millidegrees Celsius; thermal_zone1 (x86_pkg_temp): no passive, hot or critical trip point"),
            source.Availability);
        Assert.Equal(ThermalState.Nominal, source.Current);
        Assert.Equal(string.Empty, source.LastReading);
    }

    [Fact]
    public void WhenEveryZoneBreaksAfterStart_TheSourceMarksItselfUnavailable_ReturnsToNominal_AndStopsReading()
    {
        var time = new FakeTimeProvider();
        using var tree = new ThermalSysfsTree().Zone(0, "acpitz", "103000", ("critical", "105000"));
        using var source = SourceOn(tree, time);
        var recorder = new SignalRecorder<ThermalState>(source);
        source.Start();
        Assert.Equal(ThermalState.Critical, source.Current);

        tree.Delete(0, "temp");
        time.Advance(TimeSpan.FromSeconds(1));
        tree.Write(0, "temp", "104000");
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(source.Availability.IsAvailable);
        Assert.StartsWith($"no usable thermal zone under {tree.Root}: skipped thermal_zone0: Could not find file", source.Availability.Detail, StringComparison.Ordinal);
        Assert.Equal([ThermalState.Critical, ThermalState.Nominal], recorder.States);
    }

    [Fact]
    public void AnEmptyOrMissingRoot_IsUnavailable_WithNoThermalZones()
    {
        using var tree = new ThermalSysfsTree();
        var missing = Path.Combine(tree.Root, "absent");
        using var empty = SourceOn(tree);
        using var absent = new LinuxThermalSource(new LinuxThermalSourceOptions { RootDirectory = missing });

        empty.Start();
        absent.Start();

        Assert.Equal(SourceAvailability.Unavailable($"no thermal zones under {tree.Root}"), empty.Availability);
        Assert.Equal(SourceAvailability.Unavailable($"no thermal zones under {missing}"), absent.Availability);
        Assert.Equal(SourceAvailability.Unavailable($"no thermal zones under {tree.Root}"), LinuxThermalSource.Probe(tree.Root));
    }

    [Fact]
    public void Probe_OfARecordedTree_SaysHowManyZonesAreUsable_WithoutStarting()
    {
        using var tree = ThermalSysfsTree.Laptop();

        Assert.Equal(SourceAvailability.Available($"{tree.Root}: 3 thermal zones, 2 usable"), LinuxThermalSource.Probe(tree.Root));
    }

    [Fact]
    public void OnThisMachine_WithoutThermalZones_TheRealSourceIsUnavailable_AndMakesNothingUp()
    {
        if (ThermalZone.FindZoneDirectories().Count > 0)
        {
            Assert.Skip("this machine has thermal zones under /sys/class/thermal");
        }

        using var source = new LinuxThermalSource();
        source.Start();

        Assert.Equal(SourceAvailability.Unavailable("no thermal zones under /sys/class/thermal"), source.Availability);
        Assert.Equal(SourceAvailability.Unavailable("no thermal zones under /sys/class/thermal"), LinuxThermalSource.Probe());
        Assert.Equal((ThermalState.Nominal, string.Empty), (source.Current, source.LastReading));
    }

    [Fact]
    public void Options_RefuseNoIntervalAndAnEmptyRoot()
    {
        Assert.Equal("Interval", Assert.Throws<ArgumentOutOfRangeException>(() => new LinuxThermalSource(new LinuxThermalSourceOptions { Interval = Timeout.InfiniteTimeSpan })).ParamName);
        Assert.Equal("RootDirectory", Assert.Throws<ArgumentException>(() => new LinuxThermalSource(new LinuxThermalSourceOptions { RootDirectory = "" })).ParamName);
    }
}
