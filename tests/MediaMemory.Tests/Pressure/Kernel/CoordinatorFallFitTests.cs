using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Pressure.Kernel;

/// <summary>
/// A fall raises the budget's limit, so the coordinator falls only as far as the new limit fits under the memory
/// cgroup's: the real <see cref="CgroupMemorySource"/> on recorded v2 files (768 MiB limit, the 768 MiB proof's) tells
/// it how full the cgroup is. The policy of a 768 MiB limit on phone-4gb: Normal 384 MiB, Warning 256, Critical 192.
/// </summary>
public sealed class CoordinatorFallFitTests : IDisposable
{
    private const long MiB = 1L << 20;
    private const long Limit = 768 * MiB;
    private static readonly DeviceProfile Phone = DeviceProfile.Presets.Single(p => p.Name == "phone-4gb");
    private readonly string _directory = Directory.CreateTempSubdirectory("mediamem-fit-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Usage(long bytes)
    {
        File.WriteAllText(Path.Combine(_directory, "memory.current"), $"{bytes}\n");
        File.WriteAllText(Path.Combine(_directory, "memory.max"), $"{Limit}\n");
    }

    private (MemoryBudget Budget, PressureCoordinator Coordinator) Started(long usageBytes, long budgetUsedBytes)
    {
        Usage(usageBytes);
        var budget = new MemoryBudget(BudgetPolicy.BudgetBytes(Limit, Phone, PressureLevel.Normal));
        _ = budget.Reserve(budgetUsedBytes, AllocationCategory.WorkingTextures, Priority.High); // held for the test's life
        var coordinator = new PressureCoordinator(budget, PressureCoordinatorOptions.ForPolicy(Limit, Phone) with { TimeProvider = _time });
        coordinator.AddSource(new CgroupMemorySource(
            new CgroupMemorySourceOptions { CgroupDirectory = _directory, Version = CgroupVersion.V2, UseEvents = false }, _time));
        coordinator.Start();
        return (budget, coordinator);
    }

    // One usage read, then the coordinator's 2 s hysteresis.
    private void AfterHysteresis()
    {
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _time.Advance(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void WarningDoesNotFall_WhileTheNormalBudgetWouldOverfillTheCgroup_AndFallsOnceItFits()
    {
        var (budget, coordinator) = Started(usageBytes: 630 * MiB, budgetUsedBytes: 100 * MiB); // 82 %: Warning
        using var owner = coordinator;
        Assert.Equal((PressureLevel.Warning, 256 * MiB), (coordinator.Level, budget.LimitBytes));

        // 70 %: the source says Normal. But the budget could grow from 100 MiB to Normal's 384: 537 + 284 MiB is 107 %.
        Usage(537 * MiB);
        AfterHysteresis();
        Assert.Equal(PressureLevel.Normal, coordinator.PressureSources[0].Current);
        Assert.Equal((PressureLevel.Warning, 256 * MiB), (coordinator.Level, budget.LimitBytes));

        // The rest of the app let go: 230 + 284 MiB is 67 %, below Warning's 80 %. Checked again a hysteresis later.
        Usage(230 * MiB);
        AfterHysteresis();
        Assert.Equal((PressureLevel.Normal, 384 * MiB), (coordinator.Level, budget.LimitBytes));
        Assert.Equal([PressureLevel.Warning, PressureLevel.Normal], coordinator.Events.Select(e => e.Level));
    }

    [Fact]
    public void CriticalFallsOnlyAsFarAsFits_AndTheEventSaysWhy()
    {
        var (budget, coordinator) = Started(usageBytes: 730 * MiB, budgetUsedBytes: 100 * MiB); // 95 %: Critical
        using var owner = coordinator;
        Assert.Equal((PressureLevel.Critical, 192 * MiB), (coordinator.Level, budget.LimitBytes));

        // 60 %: the source says Normal. Normal's budget: 461 + 284 MiB = 97 %, over Warning's 80 %; Warning's:
        // 461 + 156 MiB = 80.3 %, under Critical's 92 %.
        Usage(461 * MiB);
        AfterHysteresis();

        Assert.Equal((PressureLevel.Warning, 256 * MiB), (coordinator.Level, budget.LimitBytes));
        var fall = coordinator.Events[^1];
        Assert.Equal((PressureLevel.Warning, PressureLevel.Critical), (fall.Level, fall.Previous));
        Assert.Contains("only to Warning: Normal's budget would not fit (cgroup-v2: usage 60.0 % + 284 MiB = 97.0 % of 768 MiB, Warning at 80 %)", fall.Reading, StringComparison.Ordinal);

        // The sources stay at Normal (no change to report), yet the coordinator looks again a hysteresis later:
        // at 100 MiB, 100 + 284 MiB is 50 %, and the level falls the rest of the way.
        Usage(100 * MiB);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((PressureLevel.Normal, 384 * MiB), (coordinator.Level, budget.LimitBytes));
        Assert.Equal([PressureLevel.Critical, PressureLevel.Warning, PressureLevel.Normal], coordinator.Events.Select(e => e.Level));
    }

    [Fact]
    public void AFallToNormal_MustFitUnderWarningsShare_NotOnlyUnderCriticals()
    {
        var (budget, coordinator) = Started(usageBytes: 730 * MiB, budgetUsedBytes: 0); // Critical
        using var owner = coordinator;

        // 39 %: Normal's budget could add 384 MiB: 684 MiB is 89 %, under Critical's 92 % but over Warning's 80 %, so
        // the refill would raise Warning at once. Warning's (256 MiB): 72 %, under Critical's.
        Usage(300 * MiB);
        AfterHysteresis();

        Assert.Equal((PressureLevel.Warning, 256 * MiB), (coordinator.Level, budget.LimitBytes));
    }

    [Fact]
    public void WithoutAMemoryLimit_TheFallIsNotHeldBack()
    {
        var (budget, coordinator) = Started(usageBytes: 730 * MiB, budgetUsedBytes: 100 * MiB);
        using var owner = coordinator;
        Assert.Equal(PressureLevel.Critical, coordinator.Level);

        // The limit is lifted: the source reads no limit (Normal) and cannot say what fits, so it holds nothing up.
        File.WriteAllText(Path.Combine(_directory, "memory.max"), "max\n");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((PressureLevel.Normal, 384 * MiB), (coordinator.Level, budget.LimitBytes));
    }

    [Fact]
    public void WouldStayBelow_SaysTrueWhenItCannotTell_AndComparesWithTheLevelsEntryShare()
    {
        Usage(600 * MiB); // 78.1 %
        using var source = new CgroupMemorySource(
            new CgroupMemorySourceOptions { CgroupDirectory = _directory, Version = CgroupVersion.V2, UseEvents = false }, _time);
        Assert.True(source.WouldStayBelow(PressureLevel.Warning, 500 * MiB, out var reading)); // not started
        Assert.Empty(reading);

        source.Start();
        Assert.True(source.WouldStayBelow(PressureLevel.Warning, 0, out reading));
        Assert.Equal("usage 78.1 % + 0 B = 78.1 % of 768 MiB, Warning at 80 %", reading);
        Assert.False(source.WouldStayBelow(PressureLevel.Warning, 15 * MiB, out _)); // 80.1 %
        Assert.True(source.WouldStayBelow(PressureLevel.Critical, 100 * MiB, out _)); // 91.1 %, Critical at 92
        Assert.True(source.WouldStayBelow(PressureLevel.Warning, -100 * MiB, out reading)); // shrinking counts as 0
        Assert.Contains("+ 0 B", reading, StringComparison.Ordinal);
        Assert.False(source.WouldStayBelow(PressureLevel.Critical, long.MaxValue, out _)); // no overflow
        Assert.True(source.WouldStayBelow(PressureLevel.Normal, long.MaxValue, out _)); // Normal has no entry share

        File.Delete(Path.Combine(_directory, "memory.current")); // unreadable: cannot tell
        Assert.True(source.WouldStayBelow(PressureLevel.Warning, 500 * MiB, out reading));
        Assert.Empty(reading);
    }

    [Fact]
    public void AFillSourceThatThrows_HoldsNothingUp_AndTheFallHappens()
    {
        var budget = new MemoryBudget(BudgetPolicy.BudgetBytes(Limit, Phone, PressureLevel.Normal));
        using var coordinator = new PressureCoordinator(budget, PressureCoordinatorOptions.ForPolicy(Limit, Phone) with { TimeProvider = _time });
        var source = new ThrowingFillSource(_time);
        coordinator.AddSource(source);
        coordinator.Start();
        source.Set(PressureLevel.Critical);
        source.Set(PressureLevel.Normal);

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, source.Calls);
        Assert.Equal((PressureLevel.Normal, 384 * MiB), (coordinator.Level, budget.LimitBytes));
    }
}
