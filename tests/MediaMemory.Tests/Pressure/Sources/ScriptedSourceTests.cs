using MediaMemory.Internals;
using MediaMemory.Pressure;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Pressure.Sources;

public sealed class ScriptedSourceTests
{
    [Fact]
    public void Start_ReportsAvailableAtNormal_WithTheScriptAsDetail()
    {
        using var source = new ScriptedSource("5s:warning,8s:critical", new FakeTimeProvider());

        Assert.Equal(SourceAvailability.NotStarted, source.Availability);
        source.Start();

        Assert.Equal(("script", SignalKind.Scripted), (source.Name, source.Kind));
        Assert.Equal(SourceAvailability.Available("pressure script 5s:warning,8s:critical"), source.Availability);
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    [Fact]
    public void Steps_FireAtTheirTimesSinceStart_NotBefore()
    {
        var time = new FakeTimeProvider();
        using var source = new ScriptedSource("5s:warning,8s:critical,12s:normal", time);
        var recorder = new SignalRecorder<PressureLevel>(source);
        time.Advance(TimeSpan.FromSeconds(100)); // before Start: does not count
        source.Start();
        var started = time.GetTimestamp();

        (double Seconds, PressureLevel Level)[] expected = [(4.999, PressureLevel.Normal), (5, PressureLevel.Warning), (7.999, PressureLevel.Warning), (8, PressureLevel.Critical), (11.999, PressureLevel.Critical), (12, PressureLevel.Normal), (60, PressureLevel.Normal)];
        foreach (var (seconds, level) in expected)
        {
            time.Advance(TimeSpan.FromSeconds(seconds) - time.GetElapsedTime(started));
            Assert.True(level == source.Current, $"at {seconds}s: {source.Current}, expected {level}");
        }

        Assert.Equal([PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal], recorder.States);
        Assert.Equal([5.0, 8.0, 12.0], recorder.Changes.Select(c => time.GetElapsedTime(started, c.Timestamp).TotalSeconds));
        Assert.Equal("pressure script step 3 of 3: 12s:normal", source.LastReading);
        Assert.Equal(["pressure script step 1 of 3: 5s:warning", "pressure script step 2 of 3: 8s:critical", "pressure script step 3 of 3: 12s:normal"], recorder.Changes.Select(c => c.Reading));
    }

    [Fact]
    public void WhenTheClockJumpsPastSeveralSteps_EachIsReportedInOrder_AtItsDueTime()
    {
        var time = new FakeTimeProvider();
        using var source = new ScriptedSource("500ms:warning,1s:critical,1.5s:normal,2s:critical", time);
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Start();
        var started = time.GetTimestamp();

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal, PressureLevel.Critical], recorder.States);
        Assert.Equal([500.0, 1000, 1500, 2000], recorder.Changes.Select(c => time.GetElapsedTime(started, c.Timestamp).TotalMilliseconds));
    }

    [Fact]
    public void AStepAtZero_IsReportedBeforeStartReturns()
    {
        var time = new FakeTimeProvider();
        using var source = new ScriptedSource("0s:critical,1s:warning", time);

        source.Start();

        Assert.Equal(PressureLevel.Critical, source.Current);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PressureLevel.Warning, source.Current);
    }

    [Fact]
    public void AfterDispose_NoStepFires()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedSource("1s:warning,2s:critical", time);
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Start();
        time.Advance(TimeSpan.FromSeconds(1));

        source.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([PressureLevel.Warning], recorder.States);
        Assert.False(source.Availability.IsAvailable);
        Assert.Throws<ObjectDisposedException>(source.Start);
    }

    [Fact]
    public void RepeatedStart_DoesNotRestartTheTimeline()
    {
        var time = new FakeTimeProvider();
        using var source = new ScriptedSource("2s:warning", time);
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Start();
        time.Advance(TimeSpan.FromSeconds(1));
        source.Start();

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([PressureLevel.Warning], recorder.States);
    }

    [Fact]
    public void OnTheSystemClock_AStepFiresForReal()
    {
        using var source = new ScriptedSource("1ms:warning");
        using var fired = new ManualResetEventSlim();
        source.Changed += (_, _) => fired.Set();

        source.Start();

        Assert.True(fired.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the 1 ms step did not fire within 30 s");
        Assert.Equal(PressureLevel.Warning, source.Current);
    }

    [Fact]
    public void OnTheSystemClock_TheScriptsThread_HasTightTimerSlack_AndEndsAfterTheLastStep_WhileTheSourceStaysUp()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("the test finds the script's thread in /proc/self/task, which only Linux has");
        }

        using var source = new ScriptedSource("100ms:warning,110ms:critical");
        using var done = new ManualResetEventSlim();
        string? task = null;
        TimeSpan? slack = null;
        source.Changed += (_, e) =>
        {
            if (e.Current == PressureLevel.Critical)
            {
                // "/proc/thread-self" links to "<pid>/task/<tid>" of the thread reading it.
                task = "/proc/" + new FileInfo("/proc/thread-self").LinkTarget;
                slack = LinuxEvents.GetTimerSlack();
                done.Set();
            }
        };

        source.Start();

        Assert.True(done.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the last step did not fire within 30 s");
        Assert.NotEqual("/proc/" + new FileInfo("/proc/thread-self").LinkTarget, task); // not this test's thread
        Assert.Equal(TimeSpan.FromMicroseconds(1), slack); // the script's thread waits with 1 µs of timer slack, not 50
        Assert.True(SpinWait.SpinUntil(() => !Directory.Exists(task), TimeSpan.FromSeconds(10)), $"{task} still runs 10 s after the last step");
        Assert.Equal(PressureLevel.Critical, source.Current);
    }

    [Fact]
    public void OnTheSystemClock_StepsFireInOrder_OnTheScriptsOwnThread_ReportedAtTheirDueTimes()
    {
        // The first step 100 ms out: a step already due when Start plays the script (a test thread stalled
        // for 5 ms under a loaded run was seen) is reported on the starting thread, by design.
        using var source = new ScriptedSource("100ms:warning,105ms:critical,110ms:normal,115ms:critical");
        using var done = new ManualResetEventSlim();
        var threads = new List<string?>();
        var recorder = new SignalRecorder<PressureLevel>(source); // first: observers hear a change in the order they subscribed
        source.Changed += (_, e) =>
        {
            lock (threads)
            {
                threads.Add(Thread.CurrentThread.Name);
            }

            if (e.Current == PressureLevel.Critical && threads.Count == 4)
            {
                done.Set();
            }
        };
        var before = TimeProvider.System.GetTimestamp();

        source.Start();

        Assert.True(done.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), $"the four steps did not fire within 30 s: {string.Join(", ", recorder.States)}");
        Assert.Equal([PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal, PressureLevel.Critical], recorder.States);
        Assert.All(threads, name => Assert.Equal("MediaMemory script", name));

        // Each step carries the time it was due (5 ms apart), however late its thread woke.
        var due = recorder.Changes.Select(c => c.Timestamp).ToArray();
        var apart = due.Zip(due.Skip(1), (a, b) => TimeProvider.System.GetElapsedTime(a, b).TotalMilliseconds);
        Assert.All(apart, ms => Assert.InRange(ms, 4.99, 5.01));
        Assert.True(due[0] > before, "the first step is due after Start");
    }

    [Fact]
    public async Task OnTheSystemClock_AfterDispose_NoLaterStepFires()
    {
        var source = new ScriptedSource("1ms:warning,300ms:critical");
        using var first = new ManualResetEventSlim();
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Changed += (_, _) => first.Set();
        source.Start();
        Assert.True(first.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the 1 ms step did not fire within 30 s");

        source.Dispose();
        await Task.Delay(TimeSpan.FromMilliseconds(600), TestContext.Current.CancellationToken);

        Assert.Equal([PressureLevel.Warning], recorder.States);
    }

    [Fact]
    public void Constructor_WithAMalformedScript_ThrowsFormatExceptionNamingTheItem()
    {
        var ex = Assert.Throws<FormatException>(() => new ScriptedSource("1s:warning,2s:panic"));

        Assert.StartsWith("pressure script item 2 '2s:panic'", ex.Message, StringComparison.Ordinal);
    }
}
