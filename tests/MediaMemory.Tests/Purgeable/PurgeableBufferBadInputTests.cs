using MediaMemory.Budgeting;
using MediaMemory.Purgeable;
using static MediaMemory.Tests.Purgeable.PurgeableTestKit;

namespace MediaMemory.Tests.Purgeable;

public sealed class PurgeableBufferBadInputTests
{
    private readonly MemoryBudget _budget = new(16 * MiB);

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(int.MaxValue + 1L)]
    public void ASizeOutOfRange_IsRefused_AndNothingIsReserved(long sizeBytes)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PurgeableBuffer(_budget, sizeBytes, AllocationCategory.CacheTextures));
        Assert.Equal("sizeBytes", ex.ParamName);
        Assert.Equal(0, _budget.UsedBytes);
    }

    [Fact]
    public void ABufferTheBudgetCannotHold_IsRefused_AndNothingIsReserved()
    {
        Assert.Throws<MemoryBudgetExceededException>(() => new PurgeableBuffer(_budget, 17 * MiB, AllocationCategory.CacheTextures));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PurgeableBuffer(_budget, 1, (AllocationCategory)99));
        Assert.Throws<ArgumentNullException>(() => new PurgeableBuffer(null!, 1, AllocationCategory.CacheTextures));
        Assert.Equal(0, _budget.GetSnapshot().LiveTokens);
    }

    [Fact]
    public void AnUndefinedState_IsRefused()
    {
        using var buffer = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.SetState((PurgeableState)3));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.SetState((PurgeableState)(-1)));
        Assert.Equal(PurgeableState.NonVolatile, buffer.State);
    }

    [Fact]
    public void DoubleDispose_DoesNothing_AndGivesTheBytesBackOnce()
    {
        var buffer = new PurgeableBuffer(_budget, 1 * MiB, AllocationCategory.CacheTextures);
        using var other = new PurgeableBuffer(_budget, 1 * MiB, AllocationCategory.CacheTextures);
        buffer.Dispose();
        buffer.Dispose();

        Assert.True(buffer.IsDisposed);
        Assert.Equal(1 * MiB, _budget.UsedBytes);
    }

    [Fact]
    public void UseAfterDispose_ThrowsObjectDisposed()
    {
        var buffer = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.State);
        Assert.Throws<ObjectDisposedException>(() => buffer.Lease());
        foreach (var state in Enum.GetValues<PurgeableState>())
        {
            Assert.Throws<ObjectDisposedException>(() => buffer.SetState(state));
        }
    }

    [Fact]
    public void ALeasedBuffer_CannotBeMadeVolatileNorPurgedNorDisposed()
    {
        using var buffer = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        using (buffer.Lease())
        {
            Assert.Contains("leased", Assert.Throws<InvalidOperationException>(() => buffer.SetState(PurgeableState.Volatile)).Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => buffer.SetState(PurgeableState.Empty));
            Assert.Throws<InvalidOperationException>(() => buffer.Dispose());
            Assert.Equal(PurgeableState.NonVolatile, buffer.SetState(PurgeableState.NonVolatile)); // allowed: no change
            Assert.Equal(PurgeableState.NonVolatile, buffer.State);
        }

        Assert.Equal(PurgeableState.NonVolatile, buffer.SetState(PurgeableState.Volatile));
    }

    [Theory]
    [InlineData(PurgeableState.Volatile)]
    [InlineData(PurgeableState.Empty)]
    public void AVolatileOrEmptyBuffer_CannotBeLeased(PurgeableState state)
    {
        using var buffer = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        buffer.SetState(state);

        var ex = Assert.Throws<InvalidOperationException>(() => buffer.Lease());
        Assert.Contains(state.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACopyOfALeaseDisposedAfterTheOriginal_IsRefused_AndEndsNoOtherLease()
    {
        // With a count instead of ids, the copy ended the second lease, and the buffer could then be purged
        // and unmapped under that lease's reader.
        using var buffer = new PurgeableBuffer(_budget, 4 * 4096, AllocationCategory.CacheTextures);
        var first = buffer.Lease();
        var second = buffer.Lease();
        second.Span.Fill(7);
        var copy = first;
        first.Dispose();

        LeaseAssert.DisposeIsRefused(ref copy);
        Assert.Throws<InvalidOperationException>(() => buffer.SetState(PurgeableState.Volatile));
        Assert.Throws<InvalidOperationException>(() => buffer.Dispose());
        Assert.Equal(7, second.Span[100]);
        second.Dispose();
        Assert.Equal(PurgeableState.NonVolatile, buffer.SetState(PurgeableState.Volatile));
    }

    [Fact]
    public void ALeaseDisposedTwice_EndsOnce()
    {
        using var buffer = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        var lease = buffer.Lease();
        lease.Dispose();
        lease.Dispose();

        Assert.Equal(PurgeableState.NonVolatile, buffer.SetState(PurgeableState.Volatile));
    }

    [Fact]
    public void ConcurrentLeasesAndStateChanges_NeverHandOutAVolatileBuffer()
    {
        using var buffer = new PurgeableBuffer(_budget, 64 * 1024, AllocationCategory.CacheTextures);
        var leased = 0;
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                if (worker % 2 == 0)
                {
                    try
                    {
                        buffer.SetState(i % 3 == 0 ? PurgeableState.Empty : PurgeableState.Volatile);
                    }
                    catch (InvalidOperationException)
                    {
                        // leased right now: refused, as documented
                    }
                }
                else
                {
                    buffer.SetState(PurgeableState.NonVolatile);
                    try
                    {
                        using var lease = buffer.Lease();
                        lease.Span[0] = 1; // must not fault nor race a purge
                        Interlocked.Increment(ref leased);
                    }
                    catch (InvalidOperationException)
                    {
                        // made volatile between the two calls: refused, as documented
                    }
                }
            }
        });

        Assert.True(leased > 0);
        buffer.SetState(PurgeableState.Empty);
        Assert.Equal(0, _budget.UsedBytes);
    }
}
