using MediaMemory.Budgeting;
using MediaMemory.Purgeable;
using static MediaMemory.Tests.Purgeable.PurgeableTestKit;

namespace MediaMemory.Tests.Purgeable;

public sealed class PurgeableBufferStateTests
{
    private readonly MemoryBudget _budget = new(64 * MiB);

    [Fact]
    public void ANewBuffer_IsNonVolatileAndZeroed_AndReservesItsBytesUnderItsCategory()
    {
        using var buffer = new PurgeableBuffer(_budget, 100_000, AllocationCategory.Effects);

        Assert.Equal(PurgeableState.NonVolatile, buffer.State);
        using (var lease = buffer.Lease())
        {
            Assert.Equal(100_000, lease.Span.Length);
            Assert.True(lease.Span.IndexOfAnyExcept((byte)0) < 0, "a new buffer must read as zeros");
        }

        Assert.Equal(100_000, _budget.GetUsedBytes(AllocationCategory.Effects));
        Assert.Equal(0, _budget.VolatileBytes);
    }

    [Theory]
    [InlineData(PurgeableState.NonVolatile, PurgeableState.NonVolatile, PurgeableState.NonVolatile, PurgeableState.NonVolatile)]
    [InlineData(PurgeableState.NonVolatile, PurgeableState.Volatile, PurgeableState.NonVolatile, PurgeableState.Volatile)]
    [InlineData(PurgeableState.NonVolatile, PurgeableState.Empty, PurgeableState.NonVolatile, PurgeableState.Empty)]
    [InlineData(PurgeableState.Volatile, PurgeableState.NonVolatile, PurgeableState.Volatile, PurgeableState.NonVolatile)]
    [InlineData(PurgeableState.Volatile, PurgeableState.Volatile, PurgeableState.Volatile, PurgeableState.Volatile)]
    [InlineData(PurgeableState.Volatile, PurgeableState.Empty, PurgeableState.Volatile, PurgeableState.Empty)]
    [InlineData(PurgeableState.Empty, PurgeableState.NonVolatile, PurgeableState.Empty, PurgeableState.NonVolatile)]
    [InlineData(PurgeableState.Empty, PurgeableState.Volatile, PurgeableState.Empty, PurgeableState.Empty)]
    [InlineData(PurgeableState.Empty, PurgeableState.Empty, PurgeableState.Empty, PurgeableState.Empty)]
    public void SetState_ReturnsThePreviousState_AsMetalDoes(PurgeableState from, PurgeableState to, PurgeableState expectedReturn, PurgeableState expectedAfter)
    {
        using var buffer = new PurgeableBuffer(_budget, 3 * 4096 + 17, AllocationCategory.CacheTextures);
        if (from != PurgeableState.NonVolatile)
        {
            buffer.SetState(from);
        }

        Assert.Equal(expectedReturn, buffer.SetState(to));
        Assert.Equal(expectedAfter, buffer.State);
    }

    [Fact]
    public void ReturningFromAPurgedBuffer_ReportsEmpty_AndTheBufferHoldsZeros()
    {
        using var buffer = Filled(_budget, 1 * MiB, seed: 7);
        buffer.SetState(PurgeableState.Volatile);
        buffer.SetState(PurgeableState.Empty);

        Assert.Equal(PurgeableState.Empty, buffer.SetState(PurgeableState.NonVolatile));
        using var lease = buffer.Lease();
        Assert.True(lease.Span.IndexOfAnyExcept((byte)0) < 0, "an emptied buffer must never show old contents");
        Assert.Equal(PurgeReason.Requested, buffer.LastPurgeReason);
    }

    [Fact]
    public void VolatileBytes_AreTheirOwnPool_AndPurgedBytesAreGivenBack()
    {
        using var buffer = new PurgeableBuffer(_budget, 2 * MiB, AllocationCategory.CacheTextures);
        using var other = new PurgeableBuffer(_budget, 1 * MiB, AllocationCategory.CacheTextures);

        buffer.SetState(PurgeableState.Volatile);
        var snapshot = _budget.GetSnapshot();
        Assert.Equal((3 * MiB, 2 * MiB, 1 * MiB), (snapshot.UsedBytes, snapshot.VolatileBytes, snapshot.UsedBy(AllocationCategory.CacheTextures)));

        buffer.SetState(PurgeableState.Empty);
        snapshot = _budget.GetSnapshot();
        Assert.Equal((1 * MiB, 0L, 1 * MiB), (snapshot.UsedBytes, snapshot.VolatileBytes, snapshot.UsedBy(AllocationCategory.CacheTextures)));

        buffer.SetState(PurgeableState.NonVolatile);
        snapshot = _budget.GetSnapshot();
        Assert.Equal((3 * MiB, 0L, 3 * MiB), (snapshot.UsedBytes, snapshot.VolatileBytes, snapshot.UsedBy(AllocationCategory.CacheTextures)));
    }

    [Fact]
    public void LeavingEmpty_WhenTheBudgetIsFull_Throws_AndTheBufferStaysEmpty()
    {
        var budget = new MemoryBudget(2 * MiB);
        using var buffer = new PurgeableBuffer(budget, 2 * MiB, AllocationCategory.CacheTextures);
        buffer.SetState(PurgeableState.Empty);
        using var squatter = budget.Reserve(1 * MiB, AllocationCategory.UI, Priority.Normal);

        Assert.Throws<MemoryBudgetExceededException>(() => buffer.SetState(PurgeableState.NonVolatile));

        Assert.Equal(PurgeableState.Empty, buffer.State);
        Assert.Equal(1 * MiB, budget.UsedBytes);
    }

    [Fact]
    public void Dispose_GivesTheBytesBack_FromAnyState()
    {
        foreach (var state in Enum.GetValues<PurgeableState>())
        {
            var buffer = new PurgeableBuffer(_budget, 1 * MiB, AllocationCategory.VideoFrames);
            buffer.SetState(state);
            buffer.Dispose();
            var snapshot = _budget.GetSnapshot();
            Assert.True(snapshot.UsedBytes == 0 && snapshot.VolatileBytes == 0 && snapshot.LiveTokens == 0, $"after dispose from {state}: {snapshot}");
        }
    }
}
