using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Tests.Budgeting;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Pressure;

public sealed class PressureCoordinatorTests
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;
    private static readonly DeviceProfile Desktop = DeviceProfile.Presets.Single(p => p.Name == "desktop-32gb");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ARise_IsHandledAtOnce_WithTheBudgetLimitFromThePolicy()
    {
        var (budget, coordinator, source) = Started(source: new ManualSource("psi", SignalKind.Kernel, _time));
        using var owner = coordinator;
        Assert.Equal(3 * GiB / 2, budget.LimitBytes);

        source.Set(PressureLevel.Warning, "some avg10=12.00");

        Assert.Equal(PressureLevel.Warning, coordinator.Level);
        Assert.Equal(GiB, budget.LimitBytes);
        var e = Assert.Single(coordinator.Events);
        Assert.Equal((PressureLevel.Warning, PressureLevel.Normal, "psi", SignalKind.Kernel, "some avg10=12.00", GiB), (e.Level, e.Previous, e.Source, e.Kind, e.Reading, e.BudgetLimitBytes));
    }

    [Fact]
    public void AFall_WaitsForTheHysteresis_AndRestartsItWhenTheLevelComesBack()
    {
        var (budget, coordinator, source) = Started(source: new ManualSource("psi", SignalKind.Kernel, _time));
        using var owner = coordinator;

        source.Set(PressureLevel.Warning);
        source.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(PressureLevel.Warning, coordinator.Level);

        source.Set(PressureLevel.Warning);   // back up before 2 s: the clock restarts
        _time.Advance(TimeSpan.FromMilliseconds(100));
        source.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.Equal(PressureLevel.Warning, coordinator.Level);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(PressureLevel.Normal, coordinator.Level);
        Assert.Equal(3 * GiB / 2, budget.LimitBytes);
        Assert.Equal([PressureLevel.Warning, PressureLevel.Normal], coordinator.Events.Select(e => e.Level));
    }

    [Fact]
    public void CriticalFallsStraightToWhatTheSourcesSay_AfterTheHysteresis()
    {
        var (budget, coordinator, source) = Started(hysteresis: TimeSpan.FromSeconds(1));
        using var owner = coordinator;
        source.Set(PressureLevel.Critical);
        Assert.Equal(768 * MiB, budget.LimitBytes);
        source.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PressureLevel.Normal, coordinator.Level);
        Assert.Equal([(PressureLevel.Critical, PressureLevel.Normal), (PressureLevel.Normal, PressureLevel.Critical)], coordinator.Events.Select(e => (e.Level, e.Previous)));
        Assert.Contains("below Critical for 1000 ms", coordinator.Events[^1].Reading, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCombinedLevel_IsTheHighestSource()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget, hysteresis: TimeSpan.Zero);
        var psi = new ManualSource("psi", SignalKind.Kernel, _time);
        var gc = new ManualSource("gc", SignalKind.Runtime, _time);
        coordinator.AddSource(psi);
        coordinator.AddSource(gc);
        coordinator.Start();

        psi.Set(PressureLevel.Critical);
        gc.Set(PressureLevel.Warning);
        Assert.Equal(PressureLevel.Critical, coordinator.Level);
        psi.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(PressureLevel.Warning, coordinator.Level);
        gc.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(PressureLevel.Normal, coordinator.Level);
        Assert.Equal(["psi", "psi", "gc"], coordinator.Events.Select(e => e.Source));
    }

    [Fact]
    public void Responders_RunInStageOrder_ThenRegistrationOrder_OnRiseAndFall()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget, hysteresis: TimeSpan.Zero);
        var log = new List<string>();
        coordinator.Register(new RecordingResponder("heaps", PressureStage.CompactHeaps, log));
        coordinator.Register(new RecordingResponder("cache-a", PressureStage.Caches, log));
        coordinator.Register(new RecordingResponder("compress", PressureStage.Compress, log));
        coordinator.Register(new RecordingResponder("cache-b", PressureStage.Caches, log));
        coordinator.Register(new RecordingResponder("background", PressureStage.BackgroundWork, log));
        coordinator.Register(new RecordingResponder("quality", PressureStage.Quality, log));
        coordinator.Register(new RecordingResponder("volatile", PressureStage.PurgeVolatile, log));
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();

        source.Set(PressureLevel.Warning);
        string[] order = ["compress", "quality", "background", "cache-a", "cache-b", "volatile", "heaps"];
        Assert.Equal(order, log);
        log.Clear();
        source.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(order, log);
    }

    [Fact]
    public void OnARise_RespondersRunBeforeTheLimitFalls_OnAFallAfterItRises()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget, hysteresis: TimeSpan.Zero);
        var limitsSeen = new List<long>();
        coordinator.Register(new RecordingResponder("r", PressureStage.Caches) { OnRespond = _ => limitsSeen.Add(budget.LimitBytes) });
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        source.Set(PressureLevel.Critical);
        source.Set(PressureLevel.Normal);
        _time.Advance(TimeSpan.Zero);
        Assert.Equal([3 * GiB / 2, 3 * GiB / 2], limitsSeen);
    }

    [Fact]
    public void AThrowingResponder_IsNamedInTheEvent_AndTheOthersStillRun()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget);
        var after = new RecordingResponder("after", PressureStage.Caches);
        coordinator.Register(new RecordingResponder("broken", PressureStage.Quality) { OnRespond = _ => throw new InvalidOperationException("bug") });
        coordinator.Register(after);
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        source.Set(PressureLevel.Warning);
        Assert.Single(after.Responses);
        Assert.Equal(["broken"], coordinator.Events.Single().FailedResponders);
        Assert.Equal(GiB, budget.LimitBytes);
    }

    [Fact]
    public void ReleasedBytes_ComeFromTheBudget_IncludingWhatTheLowerLimitReclaimed()
    {
        var budget = new MemoryBudget(4 * GiB);
        using var coordinator = Policy(budget);
        var cache = new TestCache("previews", Priority.Low);
        using var registration = budget.RegisterReclaimer(cache);
        cache.Fill(budget, 20, 64 * MiB);                               // 1280 MiB
        var trimmed = new List<AllocationToken>();
        for (var i = 0; i < 2; i++)
        {
            trimmed.Add(budget.Reserve(16 * MiB, AllocationCategory.Effects, Priority.Normal));
        }

        // The responder frees 32 MiB and claims a gigabyte; the Critical limit (768 MiB) reclaims the rest.
        coordinator.Register(new RecordingResponder("liar", PressureStage.Caches) { OnRespond = _ => trimmed.ForEach(t => t.Dispose()) });
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        var before = budget.UsedBytes;
        source.Set(PressureLevel.Critical);

        var e = coordinator.Events.Single();
        Assert.Equal(before - budget.UsedBytes, e.ReleasedBytes);
        Assert.True(budget.UsedBytes <= 768 * MiB);
        Assert.True(e.ReleasedBytes >= (1280 + 32 - 768) * MiB);
    }

    [Fact]
    public void Latency_IsFromTheSignalToTheLastResponder()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget);
        coordinator.Register(new RecordingResponder("slow", PressureStage.Caches) { OnRespond = _ => _time.Advance(TimeSpan.FromMilliseconds(7)) });
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        _time.Advance(TimeSpan.FromMilliseconds(250));
        source.Set(PressureLevel.Warning);
        var e = coordinator.Events.Single();
        Assert.Equal(TimeSpan.FromMilliseconds(7), e.Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(250), e.SinceStart);
    }

    [Fact]
    public void Heat_LowersTheBudget_AndCriticalHeatIsLowPower()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget);
        var quality = new QualityController();
        using var background = new BackgroundWork();
        coordinator.Register(quality);
        coordinator.Register(background);
        var thermal = new ManualThermalSource(time: _time);
        coordinator.AddSource(thermal);
        coordinator.Start();

        thermal.Set(ThermalState.Serious, "cpu 88 C");
        Assert.Equal(BudgetPolicy.BudgetBytes(3 * GiB, Desktop, PressureLevel.Normal, ThermalState.Serious), budget.LimitBytes);
        Assert.False(coordinator.LowPower);
        Assert.Equal(1.0, quality.Scale);

        thermal.Set(ThermalState.Critical, "cpu 99 C");
        Assert.True(coordinator.LowPower);
        Assert.Equal(PressureLevel.Normal, coordinator.Level);
        Assert.Equal(quality.Minimum, quality.Scale);
        Assert.True(background.IsPaused);
        Assert.Equal(BudgetPolicy.BudgetBytes(3 * GiB, Desktop, PressureLevel.Normal, ThermalState.Critical), budget.LimitBytes);

        thermal.Set(ThermalState.Nominal);
        Assert.Equal(1.0, quality.Scale);
        Assert.False(background.IsPaused);
        Assert.Equal(["manual-thermal"], coordinator.Events.Select(e => e.Source).Distinct());
    }

    [Fact]
    public void ASourceAlreadyHighAtStart_IsHandled()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget);
        var source = new ManualSource("early", time: _time);
        source.Start();
        source.Set(PressureLevel.Critical, "already high");
        coordinator.AddSource(source);
        coordinator.Start();
        Assert.Equal(PressureLevel.Critical, coordinator.Level);
        Assert.Equal("early", coordinator.Events.Single().Source);
    }

    [Fact]
    public void WithoutABudgetRule_TheLimitIsLeftAlone()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = new PressureCoordinator(budget, new PressureCoordinatorOptions { TimeProvider = _time });
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        source.Set(PressureLevel.Critical);
        Assert.Equal(GiB, budget.LimitBytes);
        Assert.Equal(PressureLevel.Critical, coordinator.Level);
    }

    [Fact]
    public void AnUnregisteredResponder_IsNotAsked()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = Policy(budget);
        var responder = new RecordingResponder("r", PressureStage.Caches);
        var registration = coordinator.Register(responder);
        registration.Dispose();
        registration.Dispose();
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        source.Set(PressureLevel.Warning);
        Assert.Empty(responder.Responses);
        Assert.Empty(coordinator.Responders);
    }

    [Fact]
    public void Dispose_DisposesTheSources_AndNothingIsHandledAfter()
    {
        var budget = new MemoryBudget(GiB);
        var coordinator = Policy(budget);
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        coordinator.Dispose();
        Assert.Equal(1, source.StopCalls);
        Assert.False(source.Set(PressureLevel.Critical));
        Assert.Empty(coordinator.Events);
        Assert.Throws<ObjectDisposedException>(() => coordinator.AddSource(new ManualSource()));
    }

    [Fact]
    public async Task Dispose_WaitsForAResponseInProgress_AndNoResponderStartsAfterIt()
    {
        var budget = new MemoryBudget(GiB);
        var coordinator = new PressureCoordinator(budget, new PressureCoordinatorOptions { Hysteresis = TimeSpan.Zero });
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var later = new RecordingResponder("later", PressureStage.CompactHeaps);
        coordinator.Register(new RecordingResponder("slow", PressureStage.Compress) { OnRespond = _ => { inside.Set(); release.Wait(TimeSpan.FromSeconds(20)); } });
        coordinator.Register(later);
        var source = new ManualSource();
        coordinator.AddSource(source);
        coordinator.Start();

        var signalling = Task.Run(() => source.Set(PressureLevel.Warning), TestContext.Current.CancellationToken);
        Assert.True(inside.Wait(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        var disposing = Task.Run(coordinator.Dispose, TestContext.Current.CancellationToken);
        Assert.False(await Task.WhenAny(disposing, Task.Delay(200, TestContext.Current.CancellationToken)) == disposing, "Dispose returned while a responder was running");

        release.Set();
        await Task.WhenAll(signalling, disposing).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.Empty(later.Responses);
    }

    [Fact]
    public void AddingTheSameSourceTwice_IsRefused()
    {
        using var coordinator = Policy(new MemoryBudget(GiB));
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        Assert.Throws<ArgumentException>(() => coordinator.AddSource(source));
    }

    [Fact]
    public void OnlyTheNewestEvents_AreKept()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = new PressureCoordinator(budget, new PressureCoordinatorOptions { TimeProvider = _time, Hysteresis = TimeSpan.Zero, MaxRecordedEvents = 3 });
        var source = new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        for (var i = 0; i < 5; i++)
        {
            source.Set(PressureLevel.Warning, $"up {i}");
            source.Set(PressureLevel.Normal);
            _time.Advance(TimeSpan.Zero);
        }

        Assert.Equal(3, coordinator.Events.Count);
        Assert.Equal(7, coordinator.DroppedEvents);
    }

    [Fact]
    public void ChangesFromManyThreads_AreHandledOneAtATime()
    {
        var budget = new MemoryBudget(GiB);
        using var coordinator = new PressureCoordinator(budget, new PressureCoordinatorOptions { Hysteresis = TimeSpan.Zero });
        var inside = 0;
        var overlaps = 0;
        coordinator.Register(new RecordingResponder("r", PressureStage.Caches)
        {
            OnRespond = _ =>
            {
                if (Interlocked.Increment(ref inside) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Thread.SpinWait(200);
                Interlocked.Decrement(ref inside);
            },
        });
        var sources = Enumerable.Range(0, 4).Select(i => new ManualSource($"s{i}")).ToArray();
        foreach (var s in sources)
        {
            coordinator.AddSource(s);
        }

        coordinator.Start();
        Parallel.For(0, 4, i =>
        {
            for (var n = 0; n < 500; n++)
            {
                sources[i].Set((PressureLevel)(n % 3));
            }
        });
        Assert.Equal(0, overlaps);
        Assert.NotEmpty(coordinator.Events);
    }

    private (MemoryBudget Budget, PressureCoordinator Coordinator, ManualSource Source) Started(TimeSpan? hysteresis = null, ManualSource? source = null)
    {
        var budget = new MemoryBudget(GiB);
        var coordinator = Policy(budget, hysteresis);
        source ??= new ManualSource(time: _time);
        coordinator.AddSource(source);
        coordinator.Start();
        return (budget, coordinator, source);
    }

    private PressureCoordinator Policy(MemoryBudget budget, TimeSpan? hysteresis = null) =>
        new(budget, PressureCoordinatorOptions.ForPolicy(3 * GiB, Desktop) with { TimeProvider = _time, Hysteresis = hysteresis ?? TimeSpan.FromSeconds(2) });
}

/// <summary>A source that cannot run here (real sources on malformed files) leaves the rest running.</summary>
public sealed class PressureCoordinatorUnavailableSourceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mediamem-coordinator-").FullName;

    [Fact]
    public void MalformedSources_AreReportedUnavailable_AndTheOthersStillDriveTheLevel()
    {
        // A cgroup directory whose files are garbage, and a thermal tree whose zone reads garbage.
        File.WriteAllText(Path.Combine(_directory, "memory.limit_in_bytes"), "lots\n");
        File.WriteAllText(Path.Combine(_directory, "memory.usage_in_bytes"), "-12 bytes\n");
        var zone = Directory.CreateDirectory(Path.Combine(_directory, "thermal", "thermal_zone0")).FullName;
        File.WriteAllText(Path.Combine(zone, "temp"), "hot\n");
        File.WriteAllText(Path.Combine(zone, "trip_point_0_type"), "passive\n");
        File.WriteAllText(Path.Combine(zone, "trip_point_0_temp"), "85000\n");

        var budget = new MemoryBudget(1L << 30);
        using var coordinator = new PressureCoordinator(budget, new PressureCoordinatorOptions { Hysteresis = TimeSpan.Zero });
        var cgroup = new CgroupMemorySource(new CgroupMemorySourceOptions { CgroupDirectory = _directory, Version = CgroupVersion.V1, UseEvents = false });
        var thermal = new LinuxThermalSource(new LinuxThermalSourceOptions { RootDirectory = Path.Combine(_directory, "thermal") });
        var manual = new ManualSource();
        coordinator.AddSource(cgroup);
        coordinator.AddSource(thermal);
        coordinator.AddSource(manual);

        coordinator.Start();

        Assert.False(cgroup.Availability.IsAvailable);
        Assert.False(string.IsNullOrWhiteSpace(cgroup.Availability.Detail));
        Assert.False(thermal.Availability.IsAvailable);
        Assert.Contains("thermal_zone0", thermal.Availability.Detail, StringComparison.Ordinal);
        Assert.True(manual.Set(PressureLevel.Critical));
        Assert.Equal(PressureLevel.Critical, coordinator.Level);
        Assert.Equal("manual", coordinator.Events.Single().Source);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
