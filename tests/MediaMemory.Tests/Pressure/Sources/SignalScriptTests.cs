using CsCheck;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Sources;

public sealed class SignalScriptTests
{
    [Fact]
    public void Parse_ReadsTimesSinceStartAndLevelsInOrder()
    {
        var script = SignalScript<PressureLevel>.Parse("5s:warning,8s:critical,12s:normal");

        Assert.Equal(
            [
                new SignalScriptStep<PressureLevel>(TimeSpan.FromSeconds(5), PressureLevel.Warning),
                new SignalScriptStep<PressureLevel>(TimeSpan.FromSeconds(8), PressureLevel.Critical),
                new SignalScriptStep<PressureLevel>(TimeSpan.FromSeconds(12), PressureLevel.Normal),
            ],
            script.Steps);
    }

    [Fact]
    public void Parse_AcceptsMillisecondsSecondsMinutesDecimalsAnyCaseAndSpaces()
    {
        var script = SignalScript<PressureLevel>.Parse(" 0ms : Normal, 500ms:WARNING ,1.5s:critical, 2m:normal,2.5M:Warning");

        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(150)],
            script.Steps.Select(s => s.At));
        Assert.Equal(
            [PressureLevel.Normal, PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal, PressureLevel.Warning],
            script.Steps.Select(s => s.State));
    }

    [Fact]
    public void Parse_ReadsThermalStatesWithTheSameSyntax()
    {
        var script = SignalScript<ThermalState>.Parse("1s:fair,2s:Serious,3s:critical,4s:nominal");

        Assert.Equal([ThermalState.Fair, ThermalState.Serious, ThermalState.Critical, ThermalState.Nominal], script.Steps.Select(s => s.State));
        Assert.Equal("1s:fair,2s:serious,3s:critical,4s:nominal", script.ToString());
    }

    [Theory]
    [InlineData("5s:warning,8x:critical", "pressure script item 2 '8x:critical': unknown time unit 'x' (ms, s or m)")]
    [InlineData("", "pressure script is empty: expected items 'time:state' such as '5s:critical', states normal, warning, critical")]
    [InlineData("  ", "pressure script is empty: expected items 'time:state' such as '5s:critical', states normal, warning, critical")]
    [InlineData("5s:warning,3s:critical", "pressure script item 2 '3s:critical': time 3s is not after the previous item's 5s; times must increase")]
    [InlineData("5s:warning,5000ms:critical", "pressure script item 2 '5000ms:critical': time 5s is not after the previous item's 5s; times must increase")]
    [InlineData("5s:hot", "pressure script item 1 '5s:hot': unknown state 'hot', expected normal, warning, critical")]
    [InlineData("1s:2", "pressure script item 1 '1s:2': unknown state '2', expected normal, warning, critical")]
    [InlineData("1s:", "pressure script item 1 '1s:': unknown state '', expected normal, warning, critical")]
    [InlineData("5:warning", "pressure script item 1 '5:warning': time '5' has no unit (ms, s or m)")]
    [InlineData("s:warning", "pressure script item 1 's:warning': time 's' does not start with a number")]
    [InlineData("-1s:warning", "pressure script item 1 '-1s:warning': time '-1s' does not start with a number")]
    [InlineData(":warning", "pressure script item 1 ':warning': missing time before ':'")]
    [InlineData("5s", "pressure script item 1 '5s': expected 'time:state', e.g. '5s:critical'")]
    [InlineData("5s:warning,", "pressure script item 2 '': expected 'time:state', e.g. '5s:critical'")]
    [InlineData("1s:warning, critical", "pressure script item 2 'critical': expected 'time:state', e.g. '5s:critical'")]
    [InlineData("1.2.3s:warning", "pressure script item 1 '1.2.3s:warning': time '1.2.3s' is not a number")]
    [InlineData("50d:warning", "pressure script item 1 '50d:warning': unknown time unit 'd' (ms, s or m)")]
    [InlineData("71583m:warning", "pressure script item 1 '71583m:warning': time '71583m' is later than the longest a timer can wait (4294967294ms)")]
    [InlineData("99999999999999999999999999999999999m:warning", "pressure script item 1 '99999999999999999999999999999999999m:warning': time '99999999999999999999999999999999999m' is not a number")]
    public void Parse_WhenMalformed_ThrowsFormatExceptionNamingTheItem(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => SignalScript<PressureLevel>.Parse(text));

        Assert.Equal(message, ex.Message);
        Assert.False(SignalScript<PressureLevel>.TryParse(text, out var none, out var error));
        Assert.Null(none);
        Assert.Equal(message, error);
    }

    [Fact]
    public void Parse_OfAThermalScript_NamesThermalStatesInItsErrors()
    {
        var ex = Assert.Throws<FormatException>(() => SignalScript<ThermalState>.Parse("1s:fair,2s:warning"));

        Assert.Equal("thermal script item 2 '2s:warning': unknown state 'warning', expected nominal, fair, serious, critical", ex.Message);
    }

    [Fact]
    public void Parse_OfNull_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => SignalScript<PressureLevel>.Parse(null!));
    }

    [Fact]
    public void Parse_TakesTheLatestTimeATimerCanWait()
    {
        var script = SignalScript<PressureLevel>.Parse("4294967294ms:warning");

        Assert.Equal(SignalScript<PressureLevel>.MaxTime, script.Steps[0].At);
    }

    [Fact]
    public void ToString_ReadsBackAsTheSameSteps()
    {
        var step = Gen.Select(Gen.Long[0, SignalScript<PressureLevel>.MaxTime.Ticks / 16], Gen.Enum<PressureLevel>());
        Gen.Select(step.Array[1, 8], Gen.Int[0, 3]).Sample((items, unitPick) =>
        {
            // Strictly increasing times, rounded to a unit now and then so every format (m, s, ms, 0.5ms) appears.
            long[] units = [TimeSpan.TicksPerMinute, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMillisecond, 1];
            var at = 0L;
            var steps = new List<SignalScriptStep<PressureLevel>>();
            foreach (var (gap, level) in items)
            {
                at += Math.Max(1, gap / units[unitPick] * units[unitPick]);
                steps.Add(new SignalScriptStep<PressureLevel>(TimeSpan.FromTicks(at), level));
            }

            var text = string.Join(',', steps);
            var parsed = SignalScript<PressureLevel>.Parse(text);
            Assert.Equal(steps, parsed.Steps);
            Assert.Equal(text, parsed.ToString());
        });
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(TimeSpan.TicksPerMinute * 3, "3m")]
    [InlineData(TimeSpan.TicksPerSecond * 90, "90s")]
    [InlineData(TimeSpan.TicksPerMillisecond * 1500, "1500ms")]
    [InlineData(5_000L, "0.5ms")]
    public void Step_ToString_UsesTheLargestUnitThatDividesTheTime(long ticks, string expected)
    {
        Assert.Equal(expected + ":warning", new SignalScriptStep<PressureLevel>(TimeSpan.FromTicks(ticks), PressureLevel.Warning).ToString());
    }
}
