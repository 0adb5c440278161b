using MediaMemory.Budgeting;
using MediaMemory.Purgeable;
using static MediaMemory.Tests.Purgeable.PurgeableTestKit;

namespace MediaMemory.Tests.Purgeable;

/// <summary>The registry as a budget reclaimer: volatile contents are the first memory given up.</summary>
public sealed class PurgeableReclaimerTests
{
    [Fact]
    public void ARequestThatDoesNotFit_PurgesVolatileBuffers_AndLeavesTheOthersIntact()
    {
        var budget = new MemoryBudget(4 * MiB);
        var registry = new PurgeableRegistry();
        using var registration = budget.RegisterReclaimer(registry);
        using var kept = Filled(budget, MiB, seed: 1);
        using var first = Filled(budget, MiB, seed: 2);
        using var second = Filled(budget, MiB, seed: 3);
        foreach (var buffer in new[] { kept, first, second })
        {
            registry.Register(buffer, destination => Fill(destination, buffer == kept ? 1 : buffer == first ? 2 : 3));
        }

        first.SetState(PurgeableState.Volatile);
        second.SetState(PurgeableState.Volatile);
        Assert.Equal(2 * MiB, registry.ReclaimableBytes);
        Assert.Equal(3 * MiB, budget.UsedBytes);

        // 3 MiB of High-priority memory (1 MiB free) fits only if both volatile buffers give theirs back.
        Assert.True(budget.TryReserve(3 * MiB, AllocationCategory.SourceAssets, Priority.High, out var token));
        using (token)
        {
            Assert.Equal(PurgeReason.BudgetReclaim, first.LastPurgeReason);
            Assert.Equal(PurgeReason.BudgetReclaim, second.LastPurgeReason);
            Assert.Equal(0, registry.ReclaimableBytes);
            Assert.Equal(2 * MiB, registry.PurgedBytes);
            Assert.Equal(Expected(MiB, seed: 1), Hash(kept));
        }

        // With the memory back, the purged buffers say so and are rebuilt exactly.
        Assert.Equal(PurgeableState.Empty, registry.EnsureResident(first));
        Assert.Equal(Expected(MiB, seed: 2), Hash(first));
    }

    [Fact]
    public void Reclaim_StopsOnceEnoughIsGivenBack()
    {
        var budget = new MemoryBudget(8 * MiB);
        var registry = new PurgeableRegistry();
        using var a = Filled(budget, MiB, seed: 1);
        using var b = Filled(budget, MiB, seed: 2);
        registry.Register(a, destination => Fill(destination, 1));
        registry.Register(b, destination => Fill(destination, 2));
        a.SetState(PurgeableState.Volatile);
        b.SetState(PurgeableState.Volatile);

        Assert.Equal(MiB, registry.Reclaim(MiB / 2, ReclaimReason.Requested));
        Assert.Equal(PurgeableState.Empty, a.SetState(PurgeableState.NonVolatile));
        Assert.Equal(PurgeableState.Volatile, b.SetState(PurgeableState.NonVolatile));
        Assert.Equal(Expected(MiB, seed: 2), Hash(b));
    }
}
