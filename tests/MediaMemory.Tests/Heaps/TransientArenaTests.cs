using MediaMemory.Budgeting;
using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

public sealed class TransientArenaTests
{
    [Fact]
    public void SharedWorkloads_RunInTheirArena_WithoutAnyResourceCorruptingAnother()
    {
        // Replays each effect graph step by step in real memory: at every step each live resource gets
        // a pattern of its own, and every live resource is checked, so two resources that the plan put on
        // the same bytes while alive together would be caught. Sizes are divided by 256 (the full-size 8K
        // graphs need arenas of up to 3.1 GiB, too much to write at every step in a unit test); lifetimes
        // and alignments are the files' own.
        foreach (var file in SharedData.Files("aliasing", "*.csv"))
        {
            var resources = TransientResourceCsv.ReadFile(file)
                .Select(r => new TransientResource(r.Name, Math.Max(1, r.SizeBytes / 256), r.AlignmentBytes, r.FirstUse, r.LastUse))
                .ToList();
            var plan = AliasPlanner.Plan(resources);
            var budget = new MemoryBudget(1L << 30);
            using var heap = new ResourceHeap("transient", AllocationCategory.Effects, budget,
                new ResourceHeapOptions { BlockSizeBytes = 64L << 20, DebugAliasChecks = true });
            using var arena = new TransientArena(heap, plan);

            Assert.Equal(resources.Count, arena.Count);
            Assert.True(arena.Arena.SizeBytes >= plan.ArenaBytes);
            var lastStep = resources.Max(r => r.LastUse);
            for (var step = 0; step <= lastStep; step++)
            {
                var alive = Enumerable.Range(0, resources.Count).Where(i => resources[i].FirstUse <= step && step <= resources[i].LastUse).ToList();
                foreach (var i in alive)
                {
                    Stamp(arena[i], (byte)(i * 31 + step + 1));
                }

                foreach (var i in alive)
                {
                    Assert.True(Holds(arena[i], (byte)(i * 31 + step + 1)),
                        $"{Path.GetFileName(file)} step {step}: '{resources[i].Name}' was overwritten by another live resource");
                }
            }

            foreach (var i in Enumerable.Range(0, resources.Count))
            {
                Assert.Equal(0L, arena[i].OffsetBytes % resources[i].AlignmentBytes);
                Assert.Equal(resources[i].Name, arena[i].Name);
            }
        }
    }

    [Fact]
    public void Dispose_FreesEveryResourceAndTheArena()
    {
        var resources = new[]
        {
            new TransientResource("a", 1000, 256, 0, 1),
            new TransientResource("b", 3000, 256, 2, 3),
            new TransientResource("c", 500, 16, 1, 2),
        };
        var budget = new MemoryBudget(64L << 20);
        using var heap = new ResourceHeap("transient", AllocationCategory.Effects, budget, new ResourceHeapOptions { BlockSizeBytes = 1L << 20 });
        var arena = new TransientArena(heap, AliasPlanner.Plan(resources));
        var b = arena["b"];
        var whole = arena.Arena;

        arena.Dispose();
        arena.Dispose();

        Assert.False(b.IsLive);
        Assert.False(whole.IsLive);
        Assert.Equal(0, heap.GetStatistics().AllocationCount);
        Assert.Throws<KeyNotFoundException>(() => arena["nope"]);
    }

    [Fact]
    public void AResourceNeedingMoreThan64KiBAlignment_IsRefusedAndNothingIsHeld()
    {
        var resources = new[] { new TransientResource("huge-align", 4096, 1 << 20, 0, 0) };
        var budget = new MemoryBudget(64L << 20);
        using var heap = new ResourceHeap("transient", AllocationCategory.Effects, budget, new ResourceHeapOptions { BlockSizeBytes = 1L << 20 });

        Assert.Throws<ArgumentOutOfRangeException>(() => new TransientArena(heap, AliasPlanner.Plan(resources)));
        Assert.Equal(0, heap.GetStatistics().AllocationCount);
    }

    private static void Stamp(HeapAllocation allocation, byte value)
    {
        using var lease = allocation.Lease();
        lease.Span.Fill(value);
    }

    private static bool Holds(HeapAllocation allocation, byte value)
    {
        using var lease = allocation.Lease();
        return lease.Span.IndexOfAnyExcept(value) < 0;
    }
}
