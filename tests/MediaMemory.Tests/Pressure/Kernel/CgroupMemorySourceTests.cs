using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Pressure.Kernel;

/// <summary>
/// The cgroup source on a temporary directory of recorded cgroup files (real files, read by the real code), with a
/// fake clock for the usage timer and event holds; v2 events come through real inotify on that directory.
/// </summary>
public sealed class CgroupMemorySourceTests : IDisposable
{
    private const long Limit = 512L << 20;
    private const string EventsBefore = "low 0\nhigh 10\nmax 20\noom 0\noom_kill 0\noom_group_kill 0\n";
    private readonly string _directory = Directory.CreateTempSubdirectory("mediamem-cgroup-").FullName;
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void WriteV2(long usageBytes, string limit = "536870912", string events = EventsBefore)
    {
        File.WriteAllText(Path.Combine(_directory, "memory.current"), $"{usageBytes}\n");
        File.WriteAllText(Path.Combine(_directory, "memory.max"), $"{limit}\n");
        File.WriteAllText(Path.Combine(_directory, "memory.events"), events);
    }

    private CgroupMemorySource V2Source(bool useEvents = true) =>
        new(new CgroupMemorySourceOptions { CgroupDirectory = _directory, Version = CgroupVersion.V2, UseEvents = useEvents }, _time);

    // Rewrites memory.events in place with one write, as the kernel changes it (a truncating write would let the
    // watcher read an empty file between the truncation and the write).
    private void RewriteEventsInPlace(string events)
    {
        using var handle = File.OpenHandle(Path.Combine(_directory, "memory.events"), FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(events), 0);
    }

    [Theory]
    [InlineData(100, PressureLevel.Normal)]
    [InlineData(79, PressureLevel.Normal)]
    [InlineData(80, PressureLevel.Warning)]
    [InlineData(91, PressureLevel.Warning)]
    [InlineData(92, PressureLevel.Critical)]
    public void Usage_AtTheThresholds_GivesTheLevel(int percent, PressureLevel expected)
    {
        WriteV2(usageBytes: percent == 100 ? 0 : ((Limit * percent) + 99) / 100);
        using var source = V2Source(useEvents: false);

        source.Start();

        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.Equal("cgroup-v2", source.Name);
        Assert.Equal(expected, source.Current);
    }

    [Fact]
    public void Usage_IsReadEveryInterval_OnTheTimeProvidersTimer()
    {
        WriteV2(usageBytes: Limit / 2);
        using var source = V2Source(useEvents: false);
        var changes = new List<PressureLevel>();
        source.Changed += (_, e) => changes.Add(e.Current);
        source.Start();

        WriteV2(usageBytes: Limit * 95 / 100);
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(PressureLevel.Normal, source.Current);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(PressureLevel.Critical, source.Current);
        Assert.StartsWith("usage 95.0 % of 512 MiB", source.LastReading, StringComparison.Ordinal);

        WriteV2(usageBytes: Limit / 4);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal([PressureLevel.Critical, PressureLevel.Normal], changes);
    }

    [Fact]
    public void V2Event_RaisesTheLevel_HoldsIt_ThenReturnsToWhatUsageSays()
    {
        WriteV2(usageBytes: Limit / 2);
        using var source = V2Source();
        using var changed = new SemaphoreSlim(0);
        source.Changed += (_, _) => changed.Release();
        source.Start();
        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.True(source.IsWaiting);

        RewriteEventsInPlace(EventsBefore.Replace("max 20", "max 21", StringComparison.Ordinal));

        Assert.True(changed.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), $"no change after memory.events grew; level {source.Current}, {source.Availability}");
        Assert.Equal(PressureLevel.Critical, source.Current);
        Assert.Contains("max 21", source.LastReading, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(PressureLevel.Critical, source.Current);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    [Fact]
    public async Task AResponderThatDisposesTheCoordinator_WhileAnEventArrives_DoesNotDeadlock()
    {
        // The usage timer reports Warning; the coordinator responds on the timer's thread; the responder makes the
        // poll thread wake with an event meanwhile, gives it time to reach the source, and disposes the coordinator,
        // which disposes the source and joins the poll thread. A source that reported while holding its own lock
        // left the poll thread waiting on that lock and the join waiting for ever.
        WriteV2(usageBytes: Limit / 2);
        var coordinator = new PressureCoordinator(new MemoryBudget(1L << 30), new PressureCoordinatorOptions { Hysteresis = TimeSpan.Zero });
        var source = V2Source();
        coordinator.AddSource(source);
        var responder = new DisposingResponder(() =>
        {
            RewriteEventsInPlace(EventsBefore.Replace("max 20", "max 21", StringComparison.Ordinal));
            Thread.Sleep(300); // the poll thread wakes and enters the source meanwhile
            coordinator.Dispose();
        });
        coordinator.Register(responder);
        coordinator.Start();
        Assert.True(source.IsWaiting, source.Availability.Detail);

        File.WriteAllText(Path.Combine(_directory, "memory.current"), $"{Limit * 85 / 100}\n");
        var tick = Task.Run(() => _time.Advance(TimeSpan.FromMilliseconds(100)), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(tick, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));

        Assert.Same(tick, finished);
        await tick;
        Assert.Equal(1, responder.Calls);
        Assert.False(source.IsWaiting);
    }

    private sealed class DisposingResponder(Action onFirstCall) : IPressureResponder
    {
        public int Calls { get; private set; }

        public string Name => "disposer";

        public PressureStage Stage => PressureStage.Caches;

        public void Respond(PressureResponse response)
        {
            if (++Calls == 1)
            {
                onFirstCall();
            }
        }
    }

    [Fact]
    public void V2EventOfHigh_IsWarning_AndAChangeOfLowIsNothing()
    {
        WriteV2(usageBytes: Limit / 2);
        using var source = V2Source();
        using var changed = new SemaphoreSlim(0);
        source.Changed += (_, _) => changed.Release();
        source.Start();

        RewriteEventsInPlace(EventsBefore.Replace("low 0", "low 7", StringComparison.Ordinal));
        Assert.False(changed.Wait(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken), $"a change of 'low' raised the level to {source.Current}");
        RewriteEventsInPlace(EventsBefore.Replace("low 0", "low 7", StringComparison.Ordinal).Replace("high 10", "high 11", StringComparison.Ordinal));

        Assert.True(changed.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no change after 'high' grew");
        Assert.Equal(PressureLevel.Warning, source.Current);
    }

    [Fact]
    public void Dispose_EndsTheEventThread()
    {
        WriteV2(usageBytes: Limit / 2);
        var source = V2Source();
        source.Start();
        Assert.True(source.IsWaiting);

        source.Dispose();

        Assert.False(source.IsWaiting, "the event thread outlived Dispose");
    }

    [Fact]
    public void NoLimit_WithoutEvents_IsUnavailableSayingSo()
    {
        WriteV2(usageBytes: 1000, limit: "max");
        using var source = V2Source(useEvents: false);

        source.Start();

        Assert.False(source.Availability.IsAvailable);
        Assert.Contains("no limit set", source.Availability.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void NoLimit_WithEvents_RunsOnEventsAlone_AndAOneShotTimerEndsTheHold()
    {
        WriteV2(usageBytes: 1000, limit: "max");
        using var source = V2Source();
        using var changed = new SemaphoreSlim(0);
        source.Changed += (_, _) => changed.Release();
        source.Start();
        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.Contains("no limit set", source.Availability.Detail, StringComparison.Ordinal);

        RewriteEventsInPlace(EventsBefore.Replace("high 10", "high 11", StringComparison.Ordinal));
        Assert.True(changed.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no change after 'high' grew");
        Assert.Equal(PressureLevel.Warning, source.Current);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    [Fact]
    public void NoLimit_WhenTheHoldsTimerFiresEarly_ItIsArmedAgain_AndTheHoldStillEnds()
    {
        // System timers fire a few ms early at times (coarser clock). The one-shot timer used to end the hold
        // once, found it not over yet, and the level stayed up until the next kernel event.
        WriteV2(usageBytes: 1000, limit: "max");
        using var source = new CgroupMemorySource(
            new CgroupMemorySourceOptions { CgroupDirectory = _directory, Version = CgroupVersion.V2 }, new EarlyTimers(_time));
        using var changed = new SemaphoreSlim(0);
        source.Changed += (_, _) => changed.Release();
        source.Start();

        RewriteEventsInPlace(EventsBefore.Replace("high 10", "high 11", StringComparison.Ordinal));
        Assert.True(changed.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no change after 'high' grew");
        Assert.Equal(PressureLevel.Warning, source.Current);

        _time.Advance(TimeSpan.FromMilliseconds(950)); // the timer fired at 900 ms, inside the hold
        Assert.Equal(PressureLevel.Warning, source.Current);
        _time.Advance(TimeSpan.FromMilliseconds(60)); // past the hold's end: a timer armed again has ended it
        Assert.Equal(PressureLevel.Normal, source.Current);
    }

    /// <summary>A fake clock whose timers fire at 90 % of their due time, as a coarse system timer may.</summary>
    private sealed class EarlyTimers(FakeTimeProvider time) : TimeProvider
    {
        public override long TimestampFrequency => time.TimestampFrequency;

        public override long GetTimestamp() => time.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new EarlyTimer(time.CreateTimer(callback, state, Early(dueTime), period));

        private static TimeSpan Early(TimeSpan dueTime) => dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime * 0.9;

        private sealed class EarlyTimer(ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(Early(dueTime), period);

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("memory.current", "lots\n", "holds \"lots\", not a number of bytes")]
    [InlineData("memory.max", "-1\n", "not a number of bytes or 'max'")]
    [InlineData("memory.events", "high many\n", "memory.events line 1 \"high many\"")]
    public void MalformedFiles_MakeTheirPartUnavailableWithAClearReason_AndStartDoesNotThrow(string file, string contents, string expected)
    {
        WriteV2(usageBytes: Limit / 2);
        File.WriteAllText(Path.Combine(_directory, file), contents);
        using var source = V2Source();

        source.Start();

        Assert.Contains(expected, source.Availability.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFiles_AreUnavailableWithTheReason()
    {
        using var source = V2Source();

        source.Start();

        Assert.False(source.Availability.IsAvailable);
        Assert.Contains("no memory.events", source.Availability.Detail, StringComparison.Ordinal);
        Assert.Contains("memory.current", source.Availability.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void V1DirectoryWithoutEventControl_RunsOnUsageAlone()
    {
        File.WriteAllText(Path.Combine(_directory, "memory.usage_in_bytes"), $"{Limit * 85 / 100}\n");
        File.WriteAllText(Path.Combine(_directory, "memory.limit_in_bytes"), $"{Limit}\n");
        using var source = new CgroupMemorySource(new CgroupMemorySourceOptions { CgroupDirectory = _directory, Version = CgroupVersion.V1 }, _time);

        source.Start();

        Assert.Equal("cgroup-v1", source.Name);
        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.Contains("no memory.pressure_level or cgroup.event_control", source.Availability.Detail, StringComparison.Ordinal);
        Assert.Equal(PressureLevel.Warning, source.Current);
    }

    [Fact]
    public void UsageFileVanishingAfterStart_MarksTheSourceUnavailable()
    {
        WriteV2(usageBytes: Limit * 85 / 100);
        using var source = V2Source(useEvents: false);
        source.Start();
        Assert.Equal(PressureLevel.Warning, source.Current);

        File.Delete(Path.Combine(_directory, "memory.current"));
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.False(source.Availability.IsAvailable);
        Assert.Contains("memory.current", source.Availability.Detail, StringComparison.Ordinal);
        Assert.Equal(PressureLevel.Normal, source.Current);
    }
}
