using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Purgeable;

/// <summary><see cref="MemoryBudget.SetVolatile"/>: the volatile pool that purgeable buffers report into.</summary>
public sealed class BudgetVolatilePoolTests
{
    private const long MiB = 1L << 20;

    private readonly MemoryBudget _budget = new(16 * MiB);

    [Fact]
    public void AVolatileToken_CountsInTheVolatilePool_NotInItsCategory_AndStillInUsed()
    {
        var token = _budget.Reserve(3 * MiB, AllocationCategory.VideoFrames, Priority.Normal);

        Assert.False(_budget.SetVolatile(token, true));
        Assert.True(_budget.SetVolatile(token, true)); // no change

        var snapshot = _budget.GetSnapshot();
        Assert.Equal((3 * MiB, 3 * MiB, 0L), (snapshot.UsedBytes, snapshot.VolatileBytes, snapshot.UsedBy(AllocationCategory.VideoFrames)));
        Assert.Equal(13 * MiB, _budget.AvailableBytes);

        Assert.True(_budget.SetVolatile(token, false));
        Assert.Equal((0L, 3 * MiB), (_budget.VolatileBytes, _budget.GetUsedBytes(AllocationCategory.VideoFrames)));
        token.Dispose();
    }

    [Fact]
    public void ReleasingAVolatileToken_EmptiesThePool()
    {
        var token = _budget.Reserve(2 * MiB, AllocationCategory.CacheTextures, Priority.Low);
        _budget.SetVolatile(token, true);

        token.Dispose();

        var snapshot = _budget.GetSnapshot();
        Assert.Equal((0L, 0L, 0L, 0), (snapshot.UsedBytes, snapshot.VolatileBytes, snapshot.UsedBy(AllocationCategory.CacheTextures), snapshot.LiveTokens));

        // The slot is reused by the next reservation, which must start non-volatile.
        using var next = _budget.Reserve(1 * MiB, AllocationCategory.CacheTextures, Priority.Low);
        Assert.Equal((0L, 1 * MiB), (_budget.VolatileBytes, _budget.GetUsedBytes(AllocationCategory.CacheTextures)));
    }

    [Fact]
    public void AStaleOrForeignToken_IsRefused()
    {
        var token = _budget.Reserve(1, AllocationCategory.UI, Priority.Normal);
        token.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _budget.SetVolatile(token, true));
        Assert.Throws<InvalidOperationException>(() => _budget.SetVolatile(default, true));
        using var foreign = new MemoryBudget(MiB).Reserve(1, AllocationCategory.UI, Priority.Normal);
        Assert.Throws<InvalidOperationException>(() => _budget.SetVolatile(foreign, true));
    }
}
