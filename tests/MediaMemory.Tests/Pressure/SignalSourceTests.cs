using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure;

public sealed class SignalSourceTests
{
    [Fact]
    public void Report_RaisesOnlyOnARealChange_AndKeepsTheLastReading()
    {
        using var source = new ManualSource();
        var seen = new List<(PressureLevel Previous, PressureLevel Current, string Reading)>();
        source.Changed += (_, e) => seen.Add((e.Previous, e.Current, e.Reading));
        source.Start();

        Assert.True(source.Set(PressureLevel.Warning, "a"));
        Assert.False(source.Set(PressureLevel.Warning, "b"));
        Assert.True(source.Set(PressureLevel.Critical, "c"));
        Assert.True(source.Set(PressureLevel.Normal, "d"));

        Assert.Equal([(PressureLevel.Normal, PressureLevel.Warning, "a"), (PressureLevel.Warning, PressureLevel.Critical, "c"), (PressureLevel.Critical, PressureLevel.Normal, "d")], seen);
        Assert.Equal("d", source.LastReading);
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    [Fact]
    public void Start_IsIdempotent_AndReportsAvailability()
    {
        var starts = 0;
        using var source = new ManualSource { StartBehaviour = () => { starts++; return SourceAvailability.Available("reads test"); } };
        Assert.Equal(SourceAvailability.NotStarted, source.Availability);
        source.Start();
        source.Start();
        Assert.Equal(1, starts);
        Assert.True(source.Availability.IsAvailable);
        Assert.Equal("reads test", source.Availability.Detail);
    }

    [Fact]
    public void Start_ThatFailsWithAnEnvironmentError_MarksTheSourceUnavailableWithoutThrowing()
    {
        using var source = new ManualSource { StartBehaviour = () => throw new IOException("no such file:\n/proc/pressure/memory") };
        source.Start();
        Assert.False(source.Availability.IsAvailable);
        Assert.Equal("no such file: /proc/pressure/memory", source.Availability.Detail);
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    [Fact]
    public void DisposedByASubscriberDuringStart_StopsOnceStartHasOpenedEverything()
    {
        // A source reports its first reading inside OnStart; a subscriber told of it may dispose the coordinator
        // and so the source. The stop used to run there and then, before OnStart went on to open the rest (the
        // cgroup source's poll thread: it then ran on closed descriptors at 100 % CPU, never stopped).
        ManualSource? source = null;
        var stopsInsideStart = -1;
        source = new ManualSource
        {
            StartBehaviour = () =>
            {
                source!.Set(PressureLevel.Warning, "first reading");
                stopsInsideStart = source.StopCalls; // what OnStart would open next is not open yet
                return SourceAvailability.Available("opened");
            },
        };
        source.Changed += (_, _) => source.Dispose();

        source.Start();

        Assert.Equal(0, stopsInsideStart);
        Assert.Equal(1, source.StopCalls);
        Assert.Throws<ObjectDisposedException>(source.Start);
        Assert.False(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.StartsWith("stopped", source.Availability.Detail, StringComparison.Ordinal);
        source.Dispose();
        Assert.Equal(1, source.StopCalls);
    }

    [Fact]
    public void Start_ThatFailsWithAProgrammingError_Throws_AndDisposeStillStopsTheSource()
    {
        var source = new ManualSource { StartBehaviour = () => throw new ArgumentNullException("bug") };
        Assert.Throws<ArgumentNullException>(source.Start);

        // What OnStart opened before it threw is stopped (the start used to stay "in progress" for good, and
        // Dispose then skipped the stop).
        source.Dispose();
        Assert.Equal(1, source.StopCalls);
    }

    [Fact]
    public void AThrowingObserver_DoesNotStopTheOthers()
    {
        using var source = new ManualSource();
        var told = 0;
        source.Changed += (_, _) => throw new InvalidOperationException("observer bug");
        source.Changed += (_, _) => told++;
        source.Start();
        Assert.True(source.Set(PressureLevel.Critical));
        Assert.Equal(1, told);
    }

    [Fact]
    public void MarkUnavailable_DropsToTheLowestState()
    {
        using var source = new ManualSource();
        source.Start();
        source.Set(PressureLevel.Critical);
        source.Fail("file vanished");
        Assert.Equal(PressureLevel.Normal, source.Current);
        Assert.Equal(SourceAvailability.Unavailable("file vanished"), source.Availability);
    }

    [Fact]
    public void Dispose_StopsOnce_RaisesNothingAfter_AndRefusesStart()
    {
        var source = new ManualSource();
        var told = 0;
        source.Changed += (_, _) => told++;
        source.Start();
        source.Dispose();
        source.Dispose();
        Assert.Equal(1, source.StopCalls);
        Assert.False(source.Set(PressureLevel.Warning));
        Assert.Equal(0, told);
        Assert.Throws<ObjectDisposedException>(source.Start);
        Assert.False(source.Availability.IsAvailable);
    }

    [Fact]
    public void Dispose_BeforeStart_DoesNotStop()
    {
        var source = new ManualSource();
        source.Dispose();
        Assert.Equal(0, source.StopCalls);
    }

    [Fact]
    public async Task Dispose_DuringAStart_WaitsForIt_AndStopsWhatItOpened()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var source = new ManualSource { StartBehaviour = () => { entered.Set(); release.Wait(TimeSpan.FromSeconds(20)); return SourceAvailability.Available("opened"); } };
        var starting = Task.Run(source.Start, TestContext.Current.CancellationToken);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));

        var disposing = Task.Run(source.Dispose, TestContext.Current.CancellationToken);
        Assert.False(await Task.WhenAny(disposing, Task.Delay(200, TestContext.Current.CancellationToken)) == disposing, "Dispose returned while Start was still opening");
        Assert.Equal(0, source.StopCalls);

        release.Set();
        await Task.WhenAll(starting, disposing).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.Equal(1, source.StopCalls);
    }
}
