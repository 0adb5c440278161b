using MediaMemory.Budgeting;
using MediaMemory.Pressure;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Pressure.Sources;

public sealed class BudgetSourceTests
{
    private const AllocationCategory Category = AllocationCategory.CacheTextures;

    [Theory]
    [InlineData(0L, 1000L, PressureLevel.Normal, "budget 'b' used 0 B of limit 1000 B (0 %)")]
    [InlineData(849L, 1000L, PressureLevel.Normal, "budget 'b' used 849 B of limit 1000 B (84 %)")]
    [InlineData(850L, 1000L, PressureLevel.Warning, "budget 'b' used 850 B of limit 1000 B (85 %)")]
    [InlineData(949L, 1000L, PressureLevel.Warning, "budget 'b' used 949 B of limit 1000 B (94 %)")]
    [InlineData(950L, 1000L, PressureLevel.Critical, "budget 'b' used 950 B of limit 1000 B (95 %)")]
    [InlineData(1200L, 1000L, PressureLevel.Critical, "budget 'b' used 1.17 KiB of limit 1000 B (120 %)")]
    [InlineData(0L, 0L, PressureLevel.Normal, "budget 'b' used 0 B of limit 0 B (0 %)")]
    [InlineData(1L, 0L, PressureLevel.Critical, "budget 'b' used 1 B of limit 0 B (∞ %)")]
    public void Assess_MapsUseAgainstTheLimit_At85And95Percent(long used, long limit, PressureLevel level, string reading)
    {
        Assert.Equal((level, reading), BudgetSource.Assess("b", used, limit, null, new BudgetSourceOptions().Thresholds));
    }

    [Fact]
    public void WithARealBudget_ReservationsAreSeenOnTheInterval_AndRefusalsAtOnce()
    {
        var time = new FakeTimeProvider();
        var budget = new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 1000, Name = "b" });
        using var source = new BudgetSource(budget, new BudgetSourceOptions { TimeProvider = time });
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Start();
        Assert.Equal("budget 'b' used 0 B of limit 1000 B (0 %)", source.LastReading);

        using var first = budget.Reserve(860, Category, Priority.Normal);
        Assert.Equal(PressureLevel.Normal, source.Current); // a plain reservation raises no event
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(PressureLevel.Warning, source.Current);

        using var second = budget.Reserve(100, Category, Priority.Normal);
        Assert.False(budget.TryReserve(100, Category, Priority.Normal, out _)); // the refusal event: checked at once
        Assert.Equal(PressureLevel.Critical, source.Current);
        Assert.Equal("budget 'b' used 960 B of limit 1000 B (96 %)", source.LastReading);

        second.Dispose();
        first.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal([PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal], recorder.States);
        Assert.All(recorder.Changes, c => Assert.Equal(("budget", SignalKind.Budget), (c.Source, c.Kind)));
    }

    [Fact]
    public void LimitChanges_AreSeenAtOnce()
    {
        var budget = new MemoryBudget(1000);
        using var source = new BudgetSource(budget, new BudgetSourceOptions { Interval = Timeout.InfiniteTimeSpan });
        using var held = budget.Reserve(500, Category, Priority.Normal);
        source.Start();
        Assert.Equal(PressureLevel.Normal, source.Current);

        budget.SetLimit(520);
        Assert.Equal(PressureLevel.Critical, source.Current);
        budget.SetLimit(560);
        Assert.Equal(PressureLevel.Warning, source.Current);
        Assert.Equal("budget 'default' used 500 B of limit 560 B (89 %)", source.LastReading);
        Assert.Equal(SourceAvailability.Available("budget 'default' use against its limit (warning ≥ 85 %, critical ≥ 95 %), on its events"), source.Availability);
    }

    [Fact]
    public void AReclaim_IsSeenAtOnce()
    {
        var budget = new MemoryBudget(1000);
        using var source = new BudgetSource(budget, new BudgetSourceOptions { Interval = Timeout.InfiniteTimeSpan });
        var cache = new TokenReclaimer(budget);
        using var registration = budget.RegisterReclaimer(cache);
        cache.Hold(960);
        source.Start();
        Assert.Equal(PressureLevel.Critical, source.Current);

        budget.Reclaim(500);

        Assert.Equal(PressureLevel.Normal, source.Current);
        Assert.Equal("budget 'default' used 0 B of limit 1000 B (0 %)", source.LastReading);
    }

    /// <summary>
    /// The feedback BudgetSource documents, in numbers: the coordinator's answer to pressure (a lower limit:
    /// 1/2 → 1/3 → 1/4 of the platform limit) raises use/limit by itself, so the level climbs and latches.
    /// Against a fixed reference the same cuts leave the level alone.
    /// </summary>
    [Fact]
    public void Feedback_LoweringTheLimitRaisesTheLevel_UnlessMeasuredAgainstAReference()
    {
        const long platformBytes = 6000;
        var budget = new MemoryBudget(platformBytes / 2);
        using var againstLimit = new BudgetSource(budget, new BudgetSourceOptions { Interval = Timeout.InfiniteTimeSpan });
        using var againstReference = new BudgetSource(budget, new BudgetSourceOptions { Interval = Timeout.InfiniteTimeSpan, ReferenceLimitBytes = platformBytes / 2 });
        using var held = budget.Reserve(1800, Category, Priority.Normal); // 60 % of the Normal budget
        againstLimit.Start();
        againstReference.Start();
        var seen = new List<(PressureLevel AgainstLimit, PressureLevel AgainstReference)> { (againstLimit.Current, againstReference.Current) };

        budget.SetLimit(platformBytes / 3); // what the coordinator does at Warning: 1800 of 2000 is 90 %
        seen.Add((againstLimit.Current, againstReference.Current));
        budget.SetLimit(platformBytes / 4); // and at Critical: 1800 of 1500 is 120 %
        seen.Add((againstLimit.Current, againstReference.Current));

        Assert.Equal(
            [(PressureLevel.Normal, PressureLevel.Normal), (PressureLevel.Warning, PressureLevel.Normal), (PressureLevel.Critical, PressureLevel.Normal)],
            seen);
        Assert.Equal("budget 'default' used 1.76 KiB of limit 1.46 KiB (120 %)", againstLimit.LastReading);
        Assert.Equal("budget 'default' used 1.76 KiB of reference 2.93 KiB (60 %), limit 1.46 KiB", againstReference.LastReading);
    }

    [Fact]
    public void AfterDispose_NeitherEventsNorTheTimerReachTheSource()
    {
        var time = new FakeTimeProvider();
        var budget = new MemoryBudget(1000);
        var source = new BudgetSource(budget, new BudgetSourceOptions { TimeProvider = time });
        var recorder = new SignalRecorder<PressureLevel>(source);
        source.Start();

        source.Dispose();
        budget.SetLimit(1);
        using var held = budget.Reserve(1, Category, Priority.Normal);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(recorder.Changes);
        Assert.Equal("budget 'default' used 0 B of limit 1000 B (0 %)", source.LastReading);
    }

    [Fact]
    public void Constructor_RefusesBadOptions()
    {
        var budget = new MemoryBudget(1000);

        Assert.Equal("ReferenceLimitBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new BudgetSource(budget, new BudgetSourceOptions { ReferenceLimitBytes = 0 })).ParamName);
        Assert.Equal("Interval", Assert.Throws<ArgumentOutOfRangeException>(() => new BudgetSource(budget, new BudgetSourceOptions { Interval = TimeSpan.Zero })).ParamName);
        Assert.Throws<ArgumentNullException>(() => new BudgetSource(null!));
    }

    [Fact]
    public void CustomThresholds_Apply()
    {
        var budget = new MemoryBudget(1000);
        using var held = budget.Reserve(500, Category, Priority.Normal);
        using var source = new BudgetSource(budget, new BudgetSourceOptions { Thresholds = new PressureThresholds(40, 50), Interval = Timeout.InfiniteTimeSpan });

        source.Start();

        Assert.Equal(PressureLevel.Critical, source.Current);
    }

    /// <summary>A cache holding tokens of one budget that gives them all back when asked.</summary>
    private sealed class TokenReclaimer(MemoryBudget budget) : IMemoryReclaimer
    {
        private readonly List<AllocationToken> _tokens = [];

        public string Name => "tokens";

        public Priority Priority => Priority.Low;

        public long ReclaimableBytes => _tokens.Sum(t => t.Bytes);

        public void Hold(long bytes) => _tokens.Add(budget.Reserve(bytes, Category, Priority.Low));

        public long Reclaim(long bytesWanted, ReclaimReason reason)
        {
            var released = ReclaimableBytes;
            _tokens.ForEach(t => t.Dispose());
            _tokens.Clear();
            return released;
        }
    }
}
