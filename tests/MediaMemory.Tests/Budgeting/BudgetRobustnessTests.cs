using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

/// <summary>Observers and reclaimers that do surprising things must not break the budget.</summary>
public sealed class BudgetRobustnessTests
{
    [Fact]
    public void WhenARefusalObserverThrows_TryReserveStillReturnsFalseAndOtherObserversHearIt()
    {
        var budget = new MemoryBudget(100);
        var heard = 0;
        budget.ReservationRefused += (_, _) => throw new InvalidOperationException("observer bug");
        budget.ReservationRefused += (_, _) => heard++;

        var granted = budget.TryReserve(50, AllocationCategory.UI, Priority.Low, out _) &&
                      budget.TryReserve(60, AllocationCategory.UI, Priority.Low, out _);

        Assert.False(granted);
        Assert.Equal(1, heard);
        Assert.Equal(50, budget.UsedBytes);
    }

    [Fact]
    public void WhenALimitObserverThrows_TheExcessIsStillReclaimed()
    {
        var budget = new MemoryBudget(400);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 4, 100);
        using var registration = budget.RegisterReclaimer(cache);
        budget.LimitChanged += (_, _) => throw new InvalidOperationException("observer bug");

        var result = budget.SetLimit(200);

        Assert.Equal(200, result.ReclaimedBytes);
        Assert.Equal(0, result.UnreclaimedBytes);
        Assert.Equal(200, budget.UsedBytes);
    }

    [Fact]
    public void RegisteringTheSameReclaimerTwice_IsRefused()
    {
        var budget = new MemoryBudget(100);
        var cache = new TestCache("cache", Priority.Low);
        using var registration = budget.RegisterReclaimer(cache);

        var ex = Assert.Throws<ArgumentException>(() => budget.RegisterReclaimer(cache));

        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReclaimerOfOneBudget_MayReserveFromAnotherWhichReclaimsForIt()
    {
        // Budget A's reclaimer moves an entry into budget B (say, compressing it into a smaller
        // store); B is full of its own low-priority entries and must reclaim one to make room.
        var a = new MemoryBudget(300);
        var b = new MemoryBudget(200);
        var bCache = new TestCache("b-cache", Priority.Low);
        bCache.Fill(b, 2, 100);
        using var bRegistration = b.RegisterReclaimer(bCache);
        var moved = new List<AllocationToken>();
        var aCache = new TestCache("a-cache", Priority.Low)
        {
            OnReclaim = _ => moved.Add(b.Reserve(100, AllocationCategory.CacheTextures, Priority.Normal)),
        };
        aCache.Fill(a, 3, 100);
        using var aRegistration = a.RegisterReclaimer(aCache);

        Assert.True(a.TryReserve(100, AllocationCategory.UI, Priority.High, out var token));

        Assert.Single(moved);
        Assert.Equal(1, bCache.Count);
        Assert.Equal(200, b.UsedBytes);
        token.Dispose();
        moved.ForEach(t => t.Dispose());
    }

    [Fact]
    public void ReserveThrowsWithTheSameReasonTheRefusalEventCarried()
    {
        var budget = new MemoryBudget(100);
        var reasons = new List<RefusalReason>();
        budget.ReservationRefused += (_, e) => reasons.Add(e.Reason);

        var tooLarge = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(101, AllocationCategory.UI, Priority.High));
        using var held = budget.Reserve(60, AllocationCategory.UI, Priority.High);
        var noRoom = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(60, AllocationCategory.UI, Priority.High));

        Assert.Equal([RefusalReason.LargerThanLimit, RefusalReason.ReclaimInsufficient], reasons);
        Assert.Equal(RefusalReason.LargerThanLimit, tooLarge.Reason);
        Assert.Equal(RefusalReason.ReclaimInsufficient, noRoom.Reason);
    }
}
