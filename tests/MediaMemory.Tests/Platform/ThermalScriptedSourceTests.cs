using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Tests.Pressure.Sources;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Platform;

public sealed class ThermalScriptedSourceTests
{
    [Fact]
    public void Steps_FireAtTheirTimes_ThroughEveryThermalState()
    {
        var time = new FakeTimeProvider();
        using var source = new ScriptedThermalSource("10s:fair,20s:serious,25s:critical,40s:nominal", time);
        var recorder = new SignalRecorder<ThermalState>(source);
        source.Start();

        Assert.Equal(("thermal-script", SignalKind.Scripted, ThermalState.Nominal), (source.Name, source.Kind, source.Current));
        Assert.Equal(SourceAvailability.Available("thermal script 10s:fair,20s:serious,25s:critical,40s:nominal"), source.Availability);
        time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(ThermalState.Nominal, source.Current);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ThermalState.Fair, source.Current);
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(ThermalState.Critical, source.Current);
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(ThermalState.Nominal, source.Current);
        Assert.Equal([ThermalState.Fair, ThermalState.Serious, ThermalState.Critical, ThermalState.Nominal], recorder.States);
        Assert.Equal("thermal script step 4 of 4: 40s:nominal", source.LastReading);
    }

    [Fact]
    public void Constructor_WithAPressureLevelInTheScript_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => new ScriptedThermalSource("5s:warning"));

        Assert.Equal("thermal script item 1 '5s:warning': unknown state 'warning', expected nominal, fair, serious, critical", ex.Message);
    }
}
