using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

public sealed class ReservationAccountingTests
{
    [Fact]
    public void WhenReserving_AccountsBytesPerCategoryAndAvailable()
    {
        var budget = new MemoryBudget(1000);

        using var a = budget.Reserve(100, AllocationCategory.SourceAssets, Priority.Normal);
        using var b = budget.Reserve(250, AllocationCategory.VideoFrames, Priority.High);
        Assert.True(budget.TryReserve(50, AllocationCategory.VideoFrames, Priority.Low, out var c));

        Assert.Equal(400, budget.UsedBytes);
        Assert.Equal(600, budget.AvailableBytes);
        Assert.Equal(1000, budget.LimitBytes);
        Assert.Equal(100, budget.GetUsedBytes(AllocationCategory.SourceAssets));
        Assert.Equal(300, budget.GetUsedBytes(AllocationCategory.VideoFrames));
        Assert.Equal(0, budget.GetUsedBytes(AllocationCategory.UI));
        Assert.Equal(250, b.Bytes);
        Assert.Equal(AllocationCategory.VideoFrames, b.Category);

        c.Dispose();

        Assert.Equal(350, budget.UsedBytes);
        Assert.Equal(250, budget.GetUsedBytes(AllocationCategory.VideoFrames));
        Assert.Equal(650, budget.AvailableBytes);
    }

    [Fact]
    public void WhenReleased_PeakKeepsTheHighestUse()
    {
        var budget = new MemoryBudget(1000);
        var a = budget.Reserve(300, AllocationCategory.Effects, Priority.Normal);
        var b = budget.Reserve(200, AllocationCategory.Effects, Priority.Normal);
        var c = budget.Reserve(100, AllocationCategory.UI, Priority.Normal);
        a.Dispose();
        b.Dispose();
        using var d = budget.Reserve(50, AllocationCategory.Effects, Priority.Normal);
        c.Dispose();

        var snapshot = budget.GetSnapshot();
        Assert.Equal(600, budget.PeakUsedBytes);
        Assert.Equal(600, snapshot.PeakUsedBytes);
        Assert.Equal(500, snapshot.PeakBy(AllocationCategory.Effects));
        Assert.Equal(100, snapshot.PeakBy(AllocationCategory.UI));
        Assert.Equal(0, snapshot.PeakBy(AllocationCategory.VideoFrames));
        Assert.Equal(50, snapshot.UsedBytes);
    }

    [Fact]
    public void Snapshot_IsACopyOfTheAccounting()
    {
        var budget = new MemoryBudget(1000);
        var a = budget.Reserve(300, AllocationCategory.WorkingTextures, Priority.Normal);
        using var b = budget.Reserve(200, AllocationCategory.CacheTextures, Priority.Low);
        Assert.False(budget.TryReserve(900, AllocationCategory.UI, Priority.Normal, out _));

        var snapshot = budget.GetSnapshot();
        a.Dispose();

        Assert.Equal(1000, snapshot.LimitBytes);
        Assert.Equal(500, snapshot.UsedBytes);
        Assert.Equal(500, snapshot.AvailableBytes);
        Assert.Equal(300, snapshot.UsedBy(AllocationCategory.WorkingTextures));
        Assert.Equal(200, snapshot.UsedBy(AllocationCategory.CacheTextures));
        Assert.Equal(BudgetIntegrity.Categories.Length, snapshot.UsedByCategory.Count);
        Assert.Equal(2, snapshot.Reservations);
        Assert.Equal(1, snapshot.Refusals);
        Assert.Equal(2, snapshot.LiveTokens);
        Assert.Equal(0, snapshot.ReclaimedBytes);
        BudgetIntegrity.AssertConsistent(snapshot);

        var after = budget.GetSnapshot();
        Assert.Equal(200, after.UsedBytes);
        Assert.Equal(1, after.LiveTokens);
    }

    [Fact]
    public void WhenReservationFitsExactly_ItIsGrantedAndTheNextByteIsNot()
    {
        var budget = new MemoryBudget(1000);
        using var all = budget.Reserve(1000, AllocationCategory.SourceAssets, Priority.Normal);

        Assert.Equal(0, budget.AvailableBytes);
        Assert.False(budget.TryReserve(1, AllocationCategory.SourceAssets, Priority.Essential, out var refused));
        Assert.Equal(default, refused);
        Assert.Equal(1000, budget.UsedBytes);
    }

    [Fact]
    public void WhenReservingZeroBytes_ItIsGrantedEvenWhenFullAndHoldsNothing()
    {
        var budget = new MemoryBudget(100);
        using var all = budget.Reserve(100, AllocationCategory.UI, Priority.Normal);

        Assert.True(budget.TryReserve(0, AllocationCategory.Effects, Priority.Low, out var empty));
        Assert.True(empty.IsHeld);
        Assert.Equal(0, empty.Bytes);
        Assert.Equal(AllocationCategory.Effects, empty.Category);
        Assert.Equal(2, budget.GetSnapshot().LiveTokens);
        Assert.Equal(100, budget.UsedBytes);

        budget.Release(empty);
        Assert.False(empty.IsHeld);
        Assert.Equal(1, budget.GetSnapshot().LiveTokens);
    }

    [Fact]
    public void WhenLimitIsZero_OnlyZeroByteReservationsAreGranted()
    {
        var budget = new MemoryBudget(0);

        Assert.True(budget.TryReserve(0, AllocationCategory.UI, Priority.Normal, out var empty));
        Assert.False(budget.TryReserve(1, AllocationCategory.UI, Priority.Essential, out _));
        empty.Dispose();
        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void WhenEveryTokenIsDisposed_AccountingReturnsToZero()
    {
        var budget = new MemoryBudget(1 << 20);
        var tokens = new List<AllocationToken>();
        var random = new Random(1234);
        for (var i = 0; i < 500; i++)
        {
            var category = BudgetIntegrity.Categories[random.Next(BudgetIntegrity.Categories.Length)];
            if (budget.TryReserve(random.Next(0, 4096), category, Priority.Normal, out var token))
            {
                tokens.Add(token);
            }

            if (tokens.Count > 0 && random.Next(3) == 0)
            {
                var index = random.Next(tokens.Count);
                tokens[index].Dispose();
                tokens.RemoveAt(index);
            }
        }

        Assert.True(tokens.Count > 64, $"the test should outgrow the initial slot table; it held {tokens.Count}");
        foreach (var token in tokens)
        {
            token.Dispose();
        }

        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void WhenSizeIsNegative_ThrowsArgumentOutOfRange()
    {
        var budget = new MemoryBudget(1000);

        Assert.Throws<ArgumentOutOfRangeException>(() => budget.TryReserve(-1, AllocationCategory.UI, Priority.Normal, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reserve(long.MinValue, AllocationCategory.UI, Priority.Normal));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reclaim(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.SetLimit(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryBudget(-1));
        Assert.Equal(0, budget.GetSnapshot().Refusals);
        Assert.Equal(1000, budget.LimitBytes);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    [InlineData(255)]
    [InlineData(int.MaxValue)]
    public void WhenCategoryIsUndefined_ThrowsArgumentOutOfRange(int value)
    {
        var budget = new MemoryBudget(1000);
        var category = (AllocationCategory)value;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => budget.TryReserve(1, category, Priority.Normal, out _));
        Assert.Equal("category", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reserve(1, category, Priority.Normal));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.GetUsedBytes(category));
        Assert.Equal(0, budget.UsedBytes);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(int.MinValue)]
    public void WhenPriorityIsUndefined_ThrowsArgumentOutOfRange(int value)
    {
        var budget = new MemoryBudget(1000);
        var priority = (Priority)value;

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => budget.TryReserve(1, AllocationCategory.UI, priority, out _));
        Assert.Equal("priority", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reserve(1, AllocationCategory.UI, priority));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reclaim(1, priority));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.RegisterReclaimer(new TestCache("bad", priority)));
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void WhenOptionsAreInvalid_ConstructorThrows()
    {
        Assert.Throws<ArgumentNullException>(() => new MemoryBudget(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryBudget(new MemoryBudgetOptions { LimitBytes = -5 }));
        Assert.Throws<ArgumentNullException>(() => new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 5, TimeProvider = null! }));
        Assert.Throws<ArgumentNullException>(() => new MemoryBudget(1).RegisterReclaimer(null!));
    }

    [Fact]
    public void WhenNamed_TheBudgetKeepsItsName()
    {
        Assert.Equal("default", new MemoryBudget(1).Name);
        Assert.Equal("editor", new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 1, Name = "editor" }).Name);
    }
}
