using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

public sealed class ReclaimerMisbehaviourTests
{
    [Fact]
    public void WhenReclaimerThrows_ItIsSkippedAndOthersStillRun()
    {
        var budget = new MemoryBudget(1000);
        var log = new List<string>();
        var broken = new TestCache("broken", Priority.Low, log) { ThrowOnReclaim = new InvalidOperationException("boom") };
        var healthy = new TestCache("healthy", Priority.Low, log);
        broken.Fill(budget, 6, 100);
        healthy.Fill(budget, 4, 100);
        using var r1 = budget.RegisterReclaimer(broken);
        using var r2 = budget.RegisterReclaimer(healthy);
        var events = new List<MemoryReclaimedEventArgs>();
        budget.Reclaimed += (_, e) => events.Add(e);

        Assert.True(budget.TryReserve(300, AllocationCategory.UI, Priority.Normal, out var token));

        Assert.Equal(["broken", "healthy"], log);
        Assert.Equal(600, broken.HeldBytes);
        Assert.Equal(100, healthy.HeldBytes);
        Assert.Equal(2, events.Count);
        Assert.Equal(0, events[0].ReleasedBytes);
        Assert.Equal(0, events[0].ClaimedBytes);
        Assert.Equal(300, events[1].ReleasedBytes);
        token.Dispose();
    }

    [Fact]
    public void WhenReclaimableBytesThrows_TheReclaimerIsSkipped()
    {
        var budget = new MemoryBudget(500);
        var broken = new ThrowingReclaimable();
        var healthy = new TestCache("healthy", Priority.Low);
        healthy.Fill(budget, 5, 100);
        using var r1 = budget.RegisterReclaimer(broken);
        using var r2 = budget.RegisterReclaimer(healthy);

        Assert.True(budget.TryReserve(100, AllocationCategory.UI, Priority.Normal, out var token));

        Assert.Equal(0, broken.ReclaimCalls);
        Assert.Equal(1, healthy.ReclaimCalls);
        token.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    public void WhenReclaimerReportsNothingReclaimable_ItIsNotAsked(long reported)
    {
        var budget = new MemoryBudget(500);
        var empty = new TestCache("empty", Priority.Low) { ReportedReclaimable = reported };
        empty.Fill(budget, 5, 100);
        using var r = budget.RegisterReclaimer(empty);

        Assert.False(budget.TryReserve(100, AllocationCategory.UI, Priority.Normal, out _));

        Assert.Equal(0, empty.ReclaimCalls);
        Assert.Equal(500, empty.HeldBytes);
    }

    [Fact]
    public void WhenReclaimerClaimsMoreThanItFreed_TheEventShowsTheBudgetsAccounting()
    {
        var budget = new MemoryBudget(1000);
        var liar = new TestCache("liar", Priority.Low) { ExtraClaimedBytes = 5000, MaxFreedPerCall = 100 };
        var honest = new TestCache("honest", Priority.Low) { MaxFreedPerCall = 200 };
        liar.Fill(budget, 6, 100);
        honest.Fill(budget, 4, 100);
        using var r1 = budget.RegisterReclaimer(liar);
        using var r2 = budget.RegisterReclaimer(honest);
        var events = new List<MemoryReclaimedEventArgs>();
        budget.Reclaimed += (_, e) => events.Add(e);

        // The liar says it freed 5100 bytes but freed 100; the budget must keep asking.
        Assert.True(budget.TryReserve(300, AllocationCategory.UI, Priority.Normal, out var token));

        Assert.Equal(2, events.Count);
        Assert.Equal("liar", events[0].Reclaimer);
        Assert.Equal(100, events[0].ReleasedBytes);
        Assert.Equal(5100, events[0].ClaimedBytes);
        Assert.Equal(300, events[0].RequestedBytes);
        Assert.Equal("honest", events[1].Reclaimer);
        Assert.Equal(200, events[1].RequestedBytes);
        Assert.Equal(200, events[1].ReleasedBytes);
        Assert.Equal(300, budget.GetSnapshot().ReclaimedBytes);
        Assert.Equal(1000, budget.UsedBytes);
        token.Dispose();
    }

    [Fact]
    public void WhenReclaimerReleasesAnotherBudgetsTokens_TheyDoNotCountAsReclaimedHere()
    {
        var budget = new MemoryBudget(500);
        var other = new MemoryBudget(10_000);
        var cache = new TestCache("mixed", Priority.Low);
        cache.Add(other.Reserve(3000, AllocationCategory.CacheTextures, Priority.Low), 3000);
        cache.Fill(budget, 5, 100);
        using var r = budget.RegisterReclaimer(cache);
        var events = new List<MemoryReclaimedEventArgs>();
        budget.Reclaimed += (_, e) => events.Add(e);

        // The cache frees oldest first: the other budget's 3000 bytes, then one of ours.
        var released = budget.Reclaim(3050);

        Assert.Equal(0, other.UsedBytes);
        Assert.Equal(100, released);
        var e = Assert.Single(events);
        Assert.Equal(100, e.ReleasedBytes);
        Assert.Equal(3100, e.ClaimedBytes);
        Assert.Equal(100, budget.GetSnapshot().ReclaimedBytes);
        Assert.Equal(0, other.GetSnapshot().ReclaimedBytes);
    }

    [Fact]
    public void WhenReservingInsideAReclaimer_ItIsRefusedWithInsideReclaimAndNotReclaimedFor()
    {
        var budget = new MemoryBudget(1000);
        var log = new List<string>();
        var inner = new TestCache("inner", Priority.Low, log);
        var outer = new TestCache("outer", Priority.Low, log);
        inner.Fill(budget, 2, 100);
        outer.Fill(budget, 8, 100);
        using var r1 = budget.RegisterReclaimer(inner);
        using var r2 = budget.RegisterReclaimer(outer);
        var refusals = new List<ReservationRefusedEventArgs>();
        budget.ReservationRefused += (_, e) => refusals.Add(e);
        bool? innerGranted = null;
        MemoryBudgetExceededException? innerException = null;
        outer.OnReclaim = wanted =>
        {
            // The budget is full: this must not ask "inner" (recursion); it is refused at once.
            innerGranted = budget.TryReserve(50, AllocationCategory.Effects, Priority.Essential, out _);
            innerException = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(60, AllocationCategory.Effects, Priority.Essential));
        };

        Assert.True(budget.TryReserve(100, AllocationCategory.UI, Priority.Normal, out var token));

        Assert.False(innerGranted);
        Assert.NotNull(innerException);
        Assert.Equal(RefusalReason.InsideReclaim, innerException.Reason);
        Assert.Contains("inside a reclaimer", innerException.Message, StringComparison.Ordinal);
        Assert.Equal(["outer"], log);
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, e => Assert.Equal(RefusalReason.InsideReclaim, e.Reason));
        Assert.Equal(200, inner.HeldBytes);
        token.Dispose();
    }

    [Fact]
    public void WhenReservingInsideAReclaimerAndItFits_ItIsGranted()
    {
        var budget = new MemoryBudget(1000);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 5, 100);
        using var pinned = budget.Reserve(500, AllocationCategory.SourceAssets, Priority.High);
        using var r = budget.RegisterReclaimer(cache);
        var granted = new List<AllocationToken>();
        cache.OnReclaim = _ =>
        {
            // Frees first (simulating compression into a smaller buffer), then reserves what fits.
            if (cache.TryTake(out var victim))
            {
                victim.Dispose();
                granted.Add(budget.Reserve(40, AllocationCategory.CacheTextures, Priority.Low));
            }
        };

        using var token = budget.Reserve(200, AllocationCategory.UI, Priority.Normal);

        // 500 pinned + 200 granted + 40 reserved inside + 200 the cache still holds (it freed 300).
        var inner = Assert.Single(granted);
        Assert.True(inner.IsHeld);
        Assert.Equal(200, cache.HeldBytes);
        Assert.Equal(940, budget.UsedBytes);
        inner.Dispose();
    }

    [Fact]
    public void WhenReclaimerCallsReclaimOrSetLimit_ReclaimersAreNotEnteredRecursively()
    {
        var budget = new MemoryBudget(1000);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 10, 100);
        using var r = budget.RegisterReclaimer(cache);
        var depth = 0;
        var maxDepth = 0;
        cache.OnReclaim = wanted =>
        {
            depth++;
            maxDepth = Math.Max(maxDepth, depth);
            try
            {
                // Guarded so that a regression fails this test instead of overflowing the stack.
                if (depth < 4)
                {
                    budget.Reclaim(wanted);
                    budget.SetLimit(budget.LimitBytes);
                }
            }
            finally
            {
                depth--;
            }
        };

        Assert.True(budget.TryReserve(100, AllocationCategory.UI, Priority.Normal, out var token));

        Assert.True(maxDepth == 1, $"a reclaimer was entered recursively, {maxDepth} deep");
        token.Dispose();
    }

    /// <summary>A reclaimer whose estimate throws; it must be skipped, not break the budget.</summary>
    private sealed class ThrowingReclaimable : IMemoryReclaimer
    {
        public int ReclaimCalls { get; private set; }

        public string Name => "throwing-estimate";

        public Priority Priority => Priority.Low;

        public long ReclaimableBytes => throw new InvalidOperationException("estimate failed");

        public long Reclaim(long bytesWanted, ReclaimReason reason)
        {
            ReclaimCalls++;
            return 0;
        }
    }
}
