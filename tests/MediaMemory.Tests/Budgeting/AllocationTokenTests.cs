using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

public sealed class AllocationTokenTests
{
    [Fact]
    public void WhenDisposedTwice_SecondDisposeIsANoOp()
    {
        var budget = new MemoryBudget(1000);
        using var other = budget.Reserve(100, AllocationCategory.UI, Priority.Normal);
        var token = budget.Reserve(300, AllocationCategory.UI, Priority.Normal);

        token.Dispose();
        token.Dispose();

        Assert.Equal(100, budget.UsedBytes);
        Assert.Equal(100, budget.GetUsedBytes(AllocationCategory.UI));
        Assert.Equal(1, budget.GetSnapshot().LiveTokens);
        Assert.True(other.IsHeld);
    }

    [Fact]
    public void WhenReleased_ACopyIsStale()
    {
        var budget = new MemoryBudget(1000);
        var token = budget.Reserve(300, AllocationCategory.Effects, Priority.Normal);
        var copy = token;

        token.Dispose();

        Assert.False(copy.IsHeld);
        Assert.Throws<ObjectDisposedException>(() => copy.Bytes);
        Assert.Throws<ObjectDisposedException>(() => copy.Category);
        Assert.Throws<ObjectDisposedException>(() => token.Bytes);
        copy.Dispose();
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void WhenReleasedExplicitlyTwice_ThrowsInvalidOperation()
    {
        var budget = new MemoryBudget(1000);
        var token = budget.Reserve(300, AllocationCategory.Effects, Priority.Normal);
        var copy = token;

        budget.Release(token);

        Assert.Throws<InvalidOperationException>(() => budget.Release(token));
        Assert.Throws<InvalidOperationException>(() => budget.Release(copy));
        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void WhenDisposedThenReleased_ThrowsInvalidOperation()
    {
        var budget = new MemoryBudget(1000);
        var token = budget.Reserve(300, AllocationCategory.Effects, Priority.Normal);
        token.Dispose();

        Assert.Throws<InvalidOperationException>(() => budget.Release(token));
        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void DefaultToken_HoldsNothingAndIsRefused()
    {
        var budget = new MemoryBudget(1000);
        using var held = budget.Reserve(10, AllocationCategory.UI, Priority.Normal);
        AllocationToken token = default;

        Assert.Null(token.Budget);
        Assert.False(token.IsHeld);
        Assert.Throws<ObjectDisposedException>(() => token.Bytes);
        Assert.Throws<ObjectDisposedException>(() => token.Category);
        token.Dispose();
        Assert.Throws<InvalidOperationException>(() => budget.Release(token));
        Assert.Equal(10, budget.UsedBytes);
        Assert.NotEqual(held, token);
    }

    [Fact]
    public void WhenTokenIsFromAnotherBudget_ReleaseThrowsAndNeitherBudgetChanges()
    {
        var first = new MemoryBudget(1000);
        var second = new MemoryBudget(1000);
        using var mine = first.Reserve(100, AllocationCategory.UI, Priority.Normal);
        var theirs = second.Reserve(200, AllocationCategory.UI, Priority.Normal);

        Assert.Throws<InvalidOperationException>(() => first.Release(theirs));

        Assert.Equal(100, first.UsedBytes);
        Assert.Equal(200, second.UsedBytes);
        Assert.Same(second, theirs.Budget);
        Assert.True(theirs.IsHeld);
        theirs.Dispose();
        BudgetIntegrity.AssertEmpty(second);
    }

    [Fact]
    public void WhenSlotIsReused_TheOldTokenStaysStale()
    {
        var budget = new MemoryBudget(1000);
        var old = budget.Reserve(100, AllocationCategory.UI, Priority.Normal);
        old.Dispose();

        var fresh = budget.Reserve(400, AllocationCategory.VideoFrames, Priority.Normal);

        Assert.Equal(old.Slot, fresh.Slot);
        Assert.NotEqual(old.Generation, fresh.Generation);
        Assert.NotEqual(old, fresh);
        Assert.False(old.IsHeld);
        Assert.Throws<ObjectDisposedException>(() => old.Bytes);
        Assert.Throws<InvalidOperationException>(() => budget.Release(old));

        // Disposing the stale token must not release the new reservation in the same slot.
        old.Dispose();
        Assert.True(fresh.IsHeld);
        Assert.Equal(400, fresh.Bytes);
        Assert.Equal(400, budget.UsedBytes);
        Assert.Equal(400, budget.GetUsedBytes(AllocationCategory.VideoFrames));

        fresh.Dispose();
        BudgetIntegrity.AssertEmpty(budget);
    }

    [Fact]
    public void Tokens_AreEqualOnlyToTheirCopies()
    {
        var budget = new MemoryBudget(1000);
        using var a = budget.Reserve(1, AllocationCategory.UI, Priority.Normal);
        using var b = budget.Reserve(1, AllocationCategory.UI, Priority.Normal);
        var copy = a;

        Assert.True(a == copy, "a token must equal its copy");
        Assert.True(a != b, "distinct reservations must differ");
        Assert.Equal(a.GetHashCode(), copy.GetHashCode());
        Assert.True(a.Equals((object)copy), "boxed equality must agree");
        Assert.False(a.Equals("not a token"), "a token equals no other type");
    }
}
