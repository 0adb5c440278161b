using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

/// <summary>Integrity checks shared by the budget tests.</summary>
internal static class BudgetIntegrity
{
    public static AllocationCategory[] Categories { get; } = Enum.GetValues<AllocationCategory>();

    /// <summary>The snapshot is self-consistent: per-category sums, bounds and peaks.</summary>
    public static void AssertConsistent(BudgetSnapshot snapshot)
    {
        var sum = snapshot.UsedByCategory.Sum();
        Assert.True(sum == snapshot.UsedBytes, $"sum of per-category used {sum} != used {snapshot.UsedBytes}");
        Assert.True(snapshot.UsedBytes >= 0, $"used went negative: {snapshot.UsedBytes}");
        Assert.True(snapshot.PeakUsedBytes >= snapshot.UsedBytes, $"peak {snapshot.PeakUsedBytes} < used {snapshot.UsedBytes}");
        Assert.True(snapshot.LiveTokens >= 0, $"live tokens went negative: {snapshot.LiveTokens}");
        foreach (var category in Categories)
        {
            Assert.True(snapshot.UsedBy(category) >= 0, $"{category} used went negative: {snapshot.UsedBy(category)}");
            Assert.True(snapshot.PeakBy(category) >= snapshot.UsedBy(category),
                $"{category} peak {snapshot.PeakBy(category)} < used {snapshot.UsedBy(category)}");
        }
    }

    /// <summary>Every token is gone: accounting is exactly back to zero.</summary>
    public static void AssertEmpty(MemoryBudget budget)
    {
        var snapshot = budget.GetSnapshot();
        AssertConsistent(snapshot);
        Assert.Equal(0, snapshot.UsedBytes);
        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, snapshot.LiveTokens);
        Assert.Equal(snapshot.LimitBytes, budget.AvailableBytes);
        foreach (var category in Categories)
        {
            Assert.True(budget.GetUsedBytes(category) == 0, $"{category} still holds {budget.GetUsedBytes(category)} bytes");
        }
    }
}
