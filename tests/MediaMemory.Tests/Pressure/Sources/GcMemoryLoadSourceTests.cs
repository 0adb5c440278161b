using System.Text.Json;
using System.Text.RegularExpressions;
using MediaMemory.Pressure;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Pressure.Sources;

public sealed partial class GcMemoryLoadSourceTests
{
    private const long GiB = 1L << 30;

    [Theory]
    [InlineData(0L, 100L, PressureLevel.Normal, "memory load 0 B of high 100 B (0 %)")]
    [InlineData(69L, 100L, PressureLevel.Normal, "memory load 69 B of high 100 B (69 %)")]
    [InlineData(70L, 100L, PressureLevel.Warning, "memory load 70 B of high 100 B (70 %)")]
    [InlineData(899L, 1000L, PressureLevel.Warning, "memory load 899 B of high 1000 B (89 %)")]
    [InlineData(900L, 1000L, PressureLevel.Critical, "memory load 900 B of high 1000 B (90 %)")]
    [InlineData(150L, 100L, PressureLevel.Critical, "memory load 150 B of high 100 B (150 %)")]
    [InlineData(12L * GiB / 10, 216L * GiB / 10, PressureLevel.Normal, "memory load 1.2 GiB of high 21.6 GiB (5 %)")]
    [InlineData(5L, 0L, PressureLevel.Normal, "memory load unknown: no GC has run yet")]
    public void Assess_MapsLoadAgainstTheHighThreshold_At70And90Percent(long load, long high, PressureLevel level, string reading)
    {
        Assert.Equal((level, reading), GcMemoryLoadSource.Assess(load, high, new GcMemoryLoadSourceOptions().Thresholds));
    }

    [Theory]
    [InlineData(49L, PressureLevel.Normal)]
    [InlineData(50L, PressureLevel.Warning)]
    [InlineData(60L, PressureLevel.Critical)]
    public void Assess_UsesTheConfiguredThresholds(long load, PressureLevel level)
    {
        Assert.Equal(level, GcMemoryLoadSource.Assess(load, 100, new PressureThresholds(50, 60)).Level);
    }

    [Fact]
    public void OnTheInterval_ReportsEachChangeOfTheInjectedReading()
    {
        var time = new FakeTimeProvider();
        var load = 10L;
        var options = new GcMemoryLoadSourceOptions { TimeProvider = time, CheckAfterGen2Gc = false };
        using var source = new GcMemoryLoadSource(options, () => (Volatile.Read(ref load), 100));
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Start();

        Assert.Equal("memory load 10 B of high 100 B (10 %)", source.LastReading);
        Volatile.Write(ref load, 75);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(PressureLevel.Normal, source.Current);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(PressureLevel.Warning, source.Current);
        Volatile.Write(ref load, 95);
        time.Advance(TimeSpan.FromSeconds(1));
        Volatile.Write(ref load, 20);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal], recorder.States);
        Assert.Equal(["memory load 75 B of high 100 B (75 %)", "memory load 95 B of high 100 B (95 %)", "memory load 20 B of high 100 B (20 %)"], recorder.Changes.Select(c => c.Reading));
        Assert.All(recorder.Changes, c => Assert.Equal(("gc", SignalKind.Runtime), (c.Source, c.Kind)));
    }

    [Fact]
    public void Start_ReportsAtOnce_AndAfterDisposeTheTimerStops()
    {
        var time = new FakeTimeProvider();
        var reads = 0;
        var source = new GcMemoryLoadSource(new GcMemoryLoadSourceOptions { TimeProvider = time, CheckAfterGen2Gc = false, Interval = TimeSpan.FromMilliseconds(250) }, () =>
        {
            reads++;
            return (95, 100);
        });

        source.Start();
        Assert.Equal((1, PressureLevel.Critical), (reads, source.Current));
        Assert.Equal(SourceAvailability.Available("GC memory load against its high threshold (warning ≥ 70 %, critical ≥ 90 %), every 250ms"), source.Availability);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, reads);

        source.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(5, reads);
        Assert.Equal(SourceAvailability.Unavailable("stopped"), source.Availability);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Constructor_RefusesANonPositiveInterval(int milliseconds)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new GcMemoryLoadSource(new GcMemoryLoadSourceOptions { Interval = TimeSpan.FromMilliseconds(milliseconds) }));

        Assert.Equal("Interval", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0, 90.0, "warningPercent")]
    [InlineData(double.NaN, 90.0, "warningPercent")]
    [InlineData(80.0, 70.0, "criticalPercent")]
    [InlineData(80.0, double.PositiveInfinity, "criticalPercent")]
    public void Thresholds_RefuseNonsense(double warning, double critical, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new PressureThresholds(warning, critical)).ParamName);
    }

    [Fact]
    public void OnThisMachine_StartsAvailable_WithARealReading_AtNormal()
    {
        GC.Collect(); // the GC's figures come from the last GC; make sure there was one
        using var source = new GcMemoryLoadSource();

        source.Start();

        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.Equal("GC memory load against its high threshold (warning ≥ 70 %, critical ≥ 90 %), after each gen-2 GC and every 1s", source.Availability.Detail);
        var match = RealReading().Match(source.LastReading);
        Assert.True(match.Success, $"reading '{source.LastReading}'");
        var info = GC.GetGCMemoryInfo();
        Assert.True(info.HighMemoryLoadThresholdBytes > 0, "the GC reports no high memory load threshold");
        Assert.True(PressureLevel.Normal == source.Current, $"this machine is under memory pressure? {source.LastReading}");
    }

    [Fact]
    public void InAFreshProcess_BeforeTheFirstGc_SaysNoGcHasRunYet()
    {
        // Before the first GC, GC.GetGCMemoryInfo() gives a load of 0 against a real high threshold, which
        // read as "memory load 0 B of high 21.19 GiB (0 %)". Only a process of its own has had no GC; a 1 GiB
        // gen-0 budget keeps `inspect` from causing one.
        var (level, reading) = GcSourceOfInspect(gen0Bytes: "0x40000000");

        Assert.Equal(("Normal", "memory load unknown: no GC has run yet"), (level, reading));
    }

    [Fact]
    public void InAFreshProcess_AfterAGc_GivesTheRealReading()
    {
        // A 64 KiB gen-0 budget makes `inspect` run GCs before the source reads.
        var (_, reading) = GcSourceOfInspect(gen0Bytes: "0x10000");

        Assert.Matches(RealReading(), reading);
        Assert.DoesNotContain("memory load 0 B", reading, StringComparison.Ordinal);
    }

    /// <summary>The gc source's state and reading as <c>mediamem inspect --json</c> shows them in a process of its own.</summary>
    private static (string? Level, string? Reading) GcSourceOfInspect(string gen0Bytes)
    {
        var (code, output, error) = ChildProcess.RunMediamem(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = gen0Bytes }, "inspect", "--json");

        Assert.True(code == 0, $"exit {code}, stderr: {error}");
        using var json = JsonDocument.Parse(output);
        var gc = json.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "gc");
        return (gc.GetProperty("state").GetString(), gc.GetProperty("reading").GetString());
    }

    [GeneratedRegex(@"^memory load \d+(\.\d+)? (B|KiB|MiB|GiB|TiB) of high \d+(\.\d+)? (KiB|MiB|GiB|TiB) \(\d+ %\)$")]
    private static partial Regex RealReading();
}
