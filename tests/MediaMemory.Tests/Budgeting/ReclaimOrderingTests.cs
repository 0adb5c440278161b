using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

public sealed class ReclaimOrderingTests
{
    [Fact]
    public void WhenBudgetIsFull_ReclaimsLowPriorityFirst()
    {
        var budget = new MemoryBudget(1000);
        var log = new List<string>();
        var normal = new TestCache("normal", Priority.Normal, log);
        var low = new TestCache("low", Priority.Low, log);
        normal.Fill(budget, 4, 100);
        low.Fill(budget, 4, 100);
        using var pinned = budget.Reserve(200, AllocationCategory.SourceAssets, Priority.High);
        using var r1 = budget.RegisterReclaimer(normal);
        using var r2 = budget.RegisterReclaimer(low);

        // 1000 used; 600 wanted from a High request: all of "low" (400), then 200 of "normal".
        using var big = budget.Reserve(600, AllocationCategory.WorkingTextures, Priority.High);

        Assert.Equal(["low", "normal"], log);
        Assert.Equal(0, low.HeldBytes);
        Assert.Equal(200, normal.HeldBytes);
        Assert.Equal([600L], low.Requests);
        Assert.Equal([200L], normal.Requests);
        Assert.Equal(1000, budget.UsedBytes);
        Assert.Equal(600, budget.GetSnapshot().ReclaimedBytes);
    }

    [Fact]
    public void WithinAPriority_AsksTheMostReclaimableFirst()
    {
        var budget = new MemoryBudget(1000);
        var log = new List<string>();
        var small = new TestCache("small", Priority.Low, log);
        var large = new TestCache("large", Priority.Low, log);
        var medium = new TestCache("medium", Priority.Low, log);
        small.Fill(budget, 1, 100);
        large.Fill(budget, 5, 100);
        medium.Fill(budget, 3, 100);
        using var rs = budget.RegisterReclaimer(small);
        using var rl = budget.RegisterReclaimer(large);
        using var rm = budget.RegisterReclaimer(medium);
        large.MaxFreedPerCall = 100;
        medium.MaxFreedPerCall = 100;

        using var token = budget.Reserve(400, AllocationCategory.UI, Priority.Normal);

        Assert.Equal(["large", "medium", "small"], log);
        Assert.Equal(1000, budget.UsedBytes);
    }

    [Fact]
    public void ReclaimersOfEqualOrHigherPriority_AreNeverAsked()
    {
        var budget = new MemoryBudget(1000);
        var log = new List<string>();
        var same = new TestCache("same", Priority.Normal, log);
        var higher = new TestCache("higher", Priority.High, log);
        var essential = new TestCache("essential", Priority.Essential, log);
        same.Fill(budget, 3, 100);
        higher.Fill(budget, 3, 100);
        essential.Fill(budget, 4, 100);
        using var r1 = budget.RegisterReclaimer(same);
        using var r2 = budget.RegisterReclaimer(higher);
        using var r3 = budget.RegisterReclaimer(essential);
        var refusals = new List<ReservationRefusedEventArgs>();
        budget.ReservationRefused += (_, e) => refusals.Add(e);

        Assert.False(budget.TryReserve(100, AllocationCategory.UI, Priority.Normal, out _));

        Assert.Empty(log);
        Assert.Equal(1000, budget.UsedBytes);
        var refusal = Assert.Single(refusals);
        Assert.Equal(RefusalReason.ReclaimInsufficient, refusal.Reason);
        Assert.Equal(Priority.Normal, refusal.Priority);
        Assert.Equal(100, refusal.RequestedBytes);
        Assert.Equal(0, refusal.AvailableBytes);
    }

    [Fact]
    public void EssentialRequests_TakeFromEveryLowerPriority()
    {
        var budget = new MemoryBudget(900);
        var log = new List<string>();
        var caches = new[]
        {
            new TestCache("high", Priority.High, log),
            new TestCache("normal", Priority.Normal, log),
            new TestCache("low", Priority.Low, log),
        };
        var registrations = new List<IDisposable>();
        foreach (var cache in caches)
        {
            cache.Fill(budget, 3, 100);
            registrations.Add(budget.RegisterReclaimer(cache));
        }

        using var token = budget.Reserve(900, AllocationCategory.SourceAssets, Priority.Essential);

        Assert.Equal(["low", "normal", "high"], log);
        Assert.All(caches, c => Assert.Equal(0, c.HeldBytes));
        Assert.Equal(900, budget.GetUsedBytes(AllocationCategory.SourceAssets));
        registrations.ForEach(r => r.Dispose());
    }

    [Fact]
    public void WhenRequestFits_StopsAskingFurtherReclaimers()
    {
        var budget = new MemoryBudget(900);
        var log = new List<string>();
        var first = new TestCache("first", Priority.Low, log);
        var second = new TestCache("second", Priority.Low, log);
        var third = new TestCache("third", Priority.Normal, log);
        first.Fill(budget, 4, 100);
        second.Fill(budget, 3, 100);
        third.Fill(budget, 2, 100);
        using var r1 = budget.RegisterReclaimer(first);
        using var r2 = budget.RegisterReclaimer(second);
        using var r3 = budget.RegisterReclaimer(third);

        using var token = budget.Reserve(150, AllocationCategory.Effects, Priority.High);

        Assert.Equal(["first"], log);
        Assert.Equal(200, first.HeldBytes);
        Assert.Equal(300, second.HeldBytes);
        Assert.Equal(200, third.HeldBytes);
        Assert.Equal(850, budget.UsedBytes);
    }

    [Fact]
    public void WhenEachReclaimerFreesAFraction_RetriesAfterEachAndAsksForTheRemainder()
    {
        var budget = new MemoryBudget(1000);
        var log = new List<string>();
        var a = new TestCache("a", Priority.Low, log) { MaxFreedPerCall = 100 };
        var b = new TestCache("b", Priority.Low, log) { MaxFreedPerCall = 100 };
        var c = new TestCache("c", Priority.Low, log) { MaxFreedPerCall = 100 };
        a.Fill(budget, 4, 100);
        b.Fill(budget, 3, 100);
        c.Fill(budget, 3, 100);
        using var ra = budget.RegisterReclaimer(a);
        using var rb = budget.RegisterReclaimer(b);
        using var rc = budget.RegisterReclaimer(c);

        using var token = budget.Reserve(300, AllocationCategory.UI, Priority.Normal);

        Assert.Equal(["a", "b", "c"], log);
        Assert.Equal([300L], a.Requests);
        Assert.Equal([200L], b.Requests);
        Assert.Equal([100L], c.Requests);
        Assert.Equal(1000, budget.UsedBytes);
    }

    [Fact]
    public void WhenReclaimersCannotFreeEnough_RefusesAfterAskingAllAndKeepsWhatWasFreed()
    {
        var budget = new MemoryBudget(1000);
        var low = new TestCache("low", Priority.Low);
        low.Fill(budget, 2, 100);
        using var pinned = budget.Reserve(800, AllocationCategory.SourceAssets, Priority.High);
        using var r = budget.RegisterReclaimer(low);

        var ex = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(500, AllocationCategory.UI, Priority.Normal));

        Assert.Equal(RefusalReason.ReclaimInsufficient, ex.Reason);
        Assert.Equal(1, low.ReclaimCalls);
        Assert.Equal(0, low.HeldBytes);
        Assert.Equal(800, budget.UsedBytes);
        Assert.Equal(200, ex.AvailableBytes);
    }

    [Fact]
    public void WhenReclaimerIsUnregistered_ItIsNoLongerAsked()
    {
        var budget = new MemoryBudget(400);
        var low = new TestCache("low", Priority.Low);
        low.Fill(budget, 4, 100);
        var registration = budget.RegisterReclaimer(low);

        registration.Dispose();
        registration.Dispose();

        Assert.False(budget.TryReserve(100, AllocationCategory.UI, Priority.High, out _));
        Assert.Equal(0, low.ReclaimCalls);
        Assert.Equal(0, budget.Reclaim(100));
        Assert.Equal(0, low.ReclaimCalls);

        using var again = budget.RegisterReclaimer(low);
        Assert.True(budget.TryReserve(100, AllocationCategory.UI, Priority.High, out var token));
        Assert.Equal(1, low.ReclaimCalls);
        token.Dispose();
        low.Clear();
        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void Reclaim_AsksLowerPrioritiesAndReportsWhatTheBudgetReleased()
    {
        var budget = new MemoryBudget(1000);
        var low = new TestCache("low", Priority.Low);
        var high = new TestCache("high", Priority.High);
        var essential = new TestCache("essential", Priority.Essential);
        low.Fill(budget, 2, 100);
        high.Fill(budget, 3, 100);
        essential.Fill(budget, 1, 100);
        using var r1 = budget.RegisterReclaimer(low);
        using var r2 = budget.RegisterReclaimer(high);
        using var r3 = budget.RegisterReclaimer(essential);
        var events = new List<MemoryReclaimedEventArgs>();
        budget.Reclaimed += (_, e) => events.Add(e);

        var released = budget.Reclaim(350);

        Assert.Equal(400, released);
        Assert.Equal(0, low.HeldBytes);
        Assert.Equal(100, high.HeldBytes);
        Assert.Equal(100, essential.HeldBytes);
        Assert.Equal(0, essential.ReclaimCalls);
        Assert.Equal(["low", "high"], events.Select(e => e.Reclaimer));
        Assert.All(events, e => Assert.Equal(ReclaimReason.Requested, e.Reason));
        Assert.Equal([350L, 150L], events.Select(e => e.RequestedBytes));
        Assert.Equal(400, budget.GetSnapshot().ReclaimedBytes);

        Assert.Equal(0, budget.Reclaim(0));
        Assert.Equal(0, budget.Reclaim(1000, Priority.High));
        Assert.Equal(100, high.HeldBytes);
        Assert.Equal(100, budget.Reclaim(1000));
        Assert.Equal(0, high.HeldBytes);
        Assert.Equal(100, essential.HeldBytes);
    }
}
