using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Kernel;

public sealed class PsiTriggerTrackerTests
{
    private const long Frequency = 1_000; // timestamps in milliseconds, for readable figures
    private static readonly PsiTrigger Some = new(PressureLevel.Warning, "some", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
    private static readonly PsiTrigger Full = new(PressureLevel.Critical, "full", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

    private static PsiSnapshot Totals(long someMicroseconds, long fullMicroseconds) =>
        new(new PsiLine(0, 0, 0, someMicroseconds), new PsiLine(0, 0, 0, fullMicroseconds));

    [Fact]
    public void Trigger_Text_IsMicrosecondsWithANewline()
    {
        Assert.Equal("some 100000 2000000\n", Some.Text);
        Assert.Equal("full 100000 2000000\n", Full.Text);
    }

    [Fact]
    public void NothingFired_IsNormal_AndWaitsWithoutTimeout()
    {
        var tracker = new PsiTriggerTracker([Some, Full], Frequency);

        Assert.Equal(PressureLevel.Normal, tracker.Level);
        Assert.Equal(-1, tracker.MillisecondsUntilNextCheck(0));
    }

    [Fact]
    public void SomeFired_IsWarning_UntilAWindowPassesWithLessStallThanTheThreshold()
    {
        var tracker = new PsiTriggerTracker([Some, Full], Frequency);
        tracker.Fired(0, Totals(500_000, 0), now: 1_000);
        Assert.Equal(PressureLevel.Warning, tracker.Level);
        Assert.Equal(2_000, tracker.MillisecondsUntilNextCheck(1_000));

        tracker.Recheck(Totals(700_000, 0), now: 3_000); // 200 ms stalled in the window: still pressed
        Assert.Equal(PressureLevel.Warning, tracker.Level);

        tracker.Recheck(Totals(750_000, 0), now: 5_000); // 50 ms: below 100 ms
        Assert.Equal(PressureLevel.Normal, tracker.Level);
        Assert.Equal(-1, tracker.MillisecondsUntilNextCheck(5_000));
    }

    [Fact]
    public void Recheck_BeforeTheWindowPassed_ChangesNothing()
    {
        var tracker = new PsiTriggerTracker([Some, Full], Frequency);
        tracker.Fired(0, Totals(500_000, 0), now: 1_000);

        tracker.Recheck(Totals(500_000, 0), now: 2_999);

        Assert.Equal(PressureLevel.Warning, tracker.Level);
        Assert.Equal(1, tracker.MillisecondsUntilNextCheck(2_999));
    }

    [Fact]
    public void FullFired_IsCritical_ThenStepsDownThroughWarningWhileSomeStallGoesOn()
    {
        var tracker = new PsiTriggerTracker([Some, Full], Frequency);
        tracker.Fired(0, Totals(1_000_000, 400_000), now: 0);
        tracker.Fired(1, Totals(1_000_000, 400_000), now: 0);
        Assert.Equal(PressureLevel.Critical, tracker.Level);

        tracker.Recheck(Totals(1_300_000, 420_000), now: 2_000);

        Assert.Equal(PressureLevel.Warning, tracker.Level);
    }

    [Fact]
    public void FiringAgain_RestartsTheWindow()
    {
        var tracker = new PsiTriggerTracker([Some, Full], Frequency);
        tracker.Fired(0, Totals(100_000, 0), now: 0);
        tracker.Fired(0, Totals(300_000, 0), now: 1_900);

        tracker.Recheck(Totals(300_000, 0), now: 2_000);

        Assert.Equal(PressureLevel.Warning, tracker.Level);
        Assert.Equal(1_900, tracker.MillisecondsUntilNextCheck(2_000));
    }
}
