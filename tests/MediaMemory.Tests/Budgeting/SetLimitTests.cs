using MediaMemory.Budgeting;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Budgeting;

public sealed class SetLimitTests
{
    private static readonly DateTimeOffset Start = new(2031, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WhenLimitIsRaised_MoreFits()
    {
        var budget = new MemoryBudget(100);
        using var held = budget.Reserve(100, AllocationCategory.UI, Priority.Normal);

        var result = budget.SetLimit(300);

        Assert.Equal(new LimitChangeResult(100, 300, 0, 0), result);
        Assert.Equal(300, budget.LimitBytes);
        Assert.Equal(200, budget.AvailableBytes);
        Assert.True(budget.TryReserve(200, AllocationCategory.UI, Priority.Normal, out var more));
        more.Dispose();
    }

    [Fact]
    public void WhenLimitIsLoweredAboveUse_NothingIsReclaimed()
    {
        var budget = new MemoryBudget(1000);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 3, 100);
        using var r = budget.RegisterReclaimer(cache);

        var result = budget.SetLimit(300);

        Assert.Equal(new LimitChangeResult(1000, 300, 0, 0), result);
        Assert.Equal(0, cache.ReclaimCalls);
        Assert.Equal(0, budget.AvailableBytes);
    }

    [Fact]
    public void WhenLimitIsLoweredBelowUse_ReclaimersFreeTheExcessLowestPriorityFirst()
    {
        var clock = new FakeTimeProvider(Start);
        var budget = new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 1000, TimeProvider = clock });
        var log = new List<string>();
        var low = new TestCache("low", Priority.Low, log);
        var normal = new TestCache("normal", Priority.Normal, log);
        low.Fill(budget, 3, 100);
        normal.Fill(budget, 5, 100);
        using var r1 = budget.RegisterReclaimer(normal);
        using var r2 = budget.RegisterReclaimer(low);
        var events = new List<MemoryReclaimedEventArgs>();
        budget.Reclaimed += (_, e) => events.Add(e);
        clock.Advance(TimeSpan.FromSeconds(42));

        var result = budget.SetLimit(400);

        Assert.Equal(new LimitChangeResult(1000, 400, 400, 0), result);
        Assert.Equal(["low", "normal"], log);
        Assert.Equal(0, low.HeldBytes);
        Assert.Equal(400, normal.HeldBytes);
        Assert.Equal(400, budget.UsedBytes);
        Assert.Equal([400L, 100L], events.Select(e => e.RequestedBytes));
        Assert.All(events, e => Assert.Equal(ReclaimReason.LimitLowered, e.Reason));
        Assert.All(events, e => Assert.Equal(Start.AddSeconds(42), e.At));
    }

    [Fact]
    public void WhenReclaimersCannotFreeEnough_ResultReportsUnreclaimedAndNewReservationsAreRefused()
    {
        var budget = new MemoryBudget(1000);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 2, 100);
        var pinned = budget.Reserve(700, AllocationCategory.SourceAssets, Priority.Essential);
        using var r = budget.RegisterReclaimer(cache);

        var result = budget.SetLimit(500);

        Assert.Equal(1000, result.OldLimitBytes);
        Assert.Equal(500, result.NewLimitBytes);
        Assert.Equal(200, result.ReclaimedBytes);
        Assert.Equal(200, result.UnreclaimedBytes);
        Assert.Equal(700, budget.UsedBytes);
        Assert.Equal(0, budget.AvailableBytes);

        // Over the limit: nothing that adds bytes is granted, at any priority; an empty reservation
        // cannot raise use, so it still is.
        var refusals = new List<ReservationRefusedEventArgs>();
        budget.ReservationRefused += (_, e) => refusals.Add(e);
        Assert.False(budget.TryReserve(1, AllocationCategory.UI, Priority.Essential, out _));
        Assert.True(budget.TryReserve(0, AllocationCategory.UI, Priority.Essential, out var empty));
        empty.Dispose();
        Assert.Single(refusals);
        Assert.All(refusals, e => Assert.Equal(0, e.AvailableBytes));
        Assert.True(budget.UsedBytes > budget.LimitBytes, $"used {budget.UsedBytes} should still exceed limit {budget.LimitBytes}");

        // Once the holder releases, reservations fit again.
        pinned.Dispose();
        Assert.True(budget.TryReserve(500, AllocationCategory.UI, Priority.Low, out var fits));
        fits.Dispose();
        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void WhenOverLimit_AReservationAsksReclaimersForTheWholeShortfall()
    {
        var budget = new MemoryBudget(1000);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 8, 50);
        using var pinned = budget.Reserve(500, AllocationCategory.SourceAssets, Priority.Essential);
        var result = budget.SetLimit(800);
        Assert.Equal(100, result.UnreclaimedBytes);

        // Registered only now, so the limit change could not use it. 900 used, limit 800: a 100-byte
        // request needs 200 bytes freed, not 100.
        using var r = budget.RegisterReclaimer(cache);
        var events = new List<MemoryReclaimedEventArgs>();
        budget.Reclaimed += (_, e) => events.Add(e);

        Assert.True(budget.TryReserve(100, AllocationCategory.UI, Priority.High, out var token), $"refused; used {budget.UsedBytes}, cache holds {cache.HeldBytes}");

        Assert.Equal(200, Assert.Single(events).RequestedBytes);
        Assert.Equal(800, budget.UsedBytes);
        token.Dispose();
    }

    [Fact]
    public void WhenLimitIsLowered_EssentialReclaimersAreNeverAsked()
    {
        var budget = new MemoryBudget(400);
        var essential = new TestCache("essential", Priority.Essential);
        essential.Fill(budget, 2, 100);
        var high = new TestCache("high", Priority.High);
        high.Fill(budget, 2, 100);
        using var r1 = budget.RegisterReclaimer(essential);
        using var r2 = budget.RegisterReclaimer(high);

        var result = budget.SetLimit(100);

        // High gives all it has; Essential memory is what keeps the app alive, so it stays.
        Assert.Equal(200, result.ReclaimedBytes);
        Assert.Equal(100, result.UnreclaimedBytes);
        Assert.Equal(200, essential.HeldBytes);
        Assert.Equal(0, high.HeldBytes);
    }

    [Fact]
    public void LimitChangedEvent_CarriesOldNewUsedAndTheFakeClocksTime()
    {
        var clock = new FakeTimeProvider(Start);
        var budget = new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 1000, TimeProvider = clock });
        using var held = budget.Reserve(600, AllocationCategory.VideoFrames, Priority.High);
        var events = new List<BudgetLimitChangedEventArgs>();
        budget.LimitChanged += (sender, e) =>
        {
            Assert.Same(budget, sender);
            events.Add(e);
        };

        clock.Advance(TimeSpan.FromSeconds(10));
        budget.SetLimit(2000);
        clock.Advance(TimeSpan.FromHours(1));
        var result = budget.SetLimit(500);

        Assert.Equal(2, events.Count);
        Assert.Equal((1000L, 2000L, 600L, Start.AddSeconds(10)), (events[0].OldLimitBytes, events[0].NewLimitBytes, events[0].UsedBytes, events[0].At));
        Assert.Equal((2000L, 500L, 600L, Start.AddSeconds(10).AddHours(1)), (events[1].OldLimitBytes, events[1].NewLimitBytes, events[1].UsedBytes, events[1].At));
        Assert.Equal(100, result.UnreclaimedBytes);
    }
}
