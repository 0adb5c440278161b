using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Tests.Budgeting;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>Threads racing on one heap: for the last block at MaxBlocks (ends with an integrity check), and a
/// trim against Dispose.</summary>
[Collection(StressTestsRunAlone.Name)]
public sealed class ResourceHeapConcurrencyTests
{
    [Fact]
    public void RacingForTheFirstBlock_NeverExceedsMaxBlocks()
    {
        // ResourceHeap.cs TryAllocateInNewBlock: the MaxBlocks check is made under the lock, but the block is
        // reserved and made after the lock is left, so two threads that both see BlockCount < MaxBlocks both add one.
        // Rounds: a fresh heap of MaxBlocks 1 (no block yet), both threads released at once to ask for a whole block.
        const int Rounds = 2000;
        var budget = new MemoryBudget(1L << 30);
        using var barrier = new Barrier(2);
        var heaps = new ResourceHeap?[1];
        var granted = new bool[2];
        var overGranted = 0;
        var rounds = 0;

        void Run(int thread)
        {
            for (var round = 0; round < Rounds && Volatile.Read(ref overGranted) == 0; round++)
            {
                if (thread == 0)
                {
                    heaps[0] = NewHeap(budget, blockSizeBytes: 1 * MiB, maxBlocks: 1, reclaimEmptyBlocks: false);
                }

                barrier.SignalAndWait();
                granted[thread] = heaps[0]!.TryAllocateBuffer(1 * MiB, 256, out _);
                barrier.SignalAndWait();
                if (thread == 0)
                {
                    rounds++;
                    if (granted[0] && granted[1])
                    {
                        overGranted = heaps[0]!.BlockCount;
                    }

                    heaps[0]!.Dispose();
                }

                barrier.SignalAndWait();
            }
        }

        var threads = new[] { new Thread(() => Run(0)), new Thread(() => Run(1)) };
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());

        Log($"first-block race: {rounds} rounds, both threads granted a whole block with MaxBlocks 1: {(overGranted > 0 ? $"yes ({overGranted} blocks)" : "no")}");
        Assert.True(overGranted == 0,
            $"BUG (ResourceHeap.cs TryAllocateInNewBlock: MaxBlocks check not atomic with AddBlock): in round {rounds} of {Rounds}, both threads got a " +
            $"1 MiB block from a heap of MaxBlocks 1; it held {overGranted} blocks");
        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void RacingForRoomFreedDuringTheMaxBlocksCheck_LeaksNothing()
    {
        // ResourceHeap.cs TryAllocateInNewBlock: at MaxBlocks, when TryPlaceInBlocks finds room another thread just
        // freed, `!(placed && !dedicated)` is false, so the method neither returns the placement nor refuses: it falls
        // through, makes a block beyond MaxBlocks and overwrites `allocation`, leaking the placed slot for good.
        var (stats, blocks, maxBlocksSeen, log) = Race();
        Assert.True(stats.AllocationCount == 0 && maxBlocksSeen <= 1 && blocks <= 1,
            $"BUG (ResourceHeap.cs TryAllocateInNewBlock: placement under the MaxBlocks check is dropped): {log}");
    }

    /// <summary>Two threads allocate and free a whole 1 MiB block up to 300,000 times each in a heap of MaxBlocks 1,
    /// stopping early once the heap holds a second block.</summary>
    private static (HeapStatistics Stats, int Blocks, int MaxBlocksSeen, string Log) Race()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, minBlocks: 1, maxBlocks: 1);
        const int Iterations = 300_000;
        var maxBlocksSeen = 0;
        var granted = new int[2];

        void Run(int thread)
        {
            for (var i = 0; i < Iterations && Volatile.Read(ref maxBlocksSeen) <= 1; i++)
            {
                if (heap.TryAllocateBuffer(1 * MiB, 256, out var allocation))
                {
                    granted[thread]++;
                    InterlockedMax(ref maxBlocksSeen, heap.BlockCount);
                    heap.Free(allocation);
                }
            }
        }

        var threads = new[] { new Thread(() => Run(0)), new Thread(() => Run(1)) };
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());

        var stats = AssertIntegrity(heap, budget, "after the race");
        var log = $"MaxBlocks 1, MinBlocks 1: granted {granted[0]} + {granted[1]} of {2 * Iterations}; most blocks seen {maxBlocksSeen}; " +
            $"after every allocation was freed, {stats.AllocationCount} allocation(s) ({stats.UsedBytes} bytes) are left in {heap.BlockCount} block(s)";
        Log(log);
        return (stats, heap.BlockCount, maxBlocksSeen, log);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [Fact]
    public void DisposeRacingATrim_ReturnsOnlyOnceEveryBlockIsBackInTheBudget()
    {
        // Trim takes empty blocks out of the table under the heap's spin lock and unmaps them after leaving it;
        // a Dispose in between must still wait for them, or it returns with their reservations held.
        const int Rounds = 200;
        var budget = new MemoryBudget(1L << 30);
        using var barrier = new Barrier(2);
        var heap = default(ResourceHeap);
        var heldAfterDispose = 0L;
        var rounds = 0;

        void Run(int thread)
        {
            for (var round = 0; round < Rounds && Volatile.Read(ref heldAfterDispose) == 0; round++)
            {
                if (thread == 0)
                {
                    heap = NewHeap(budget, blockSizeBytes: 2 * MiB, reclaimEmptyBlocks: false);
                    var held = new List<HeapAllocation>();
                    for (var i = 0; i < 32; i++)
                    {
                        held.Add(heap.AllocateBuffer(2 * MiB)); // a block each
                    }

                    held.ForEach(allocation => allocation.Dispose()); // 32 empty blocks for the trim
                }

                barrier.SignalAndWait();
                if (thread == 0)
                {
                    heap!.Trim();
                }
                else
                {
                    Thread.SpinWait(50 * (round % 20)); // land the Dispose at different points of the trim
                    heap!.Dispose();
                    rounds++;
                    if (budget.UsedBytes != 0)
                    {
                        heldAfterDispose = budget.UsedBytes;
                    }
                }

                barrier.SignalAndWait();
            }
        }

        var threads = new[] { new Thread(() => Run(0)), new Thread(() => Run(1)) };
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());

        Assert.True(heldAfterDispose == 0, $"round {rounds}: Dispose returned while the budget still held {heldAfterDispose} bytes of the heap's blocks");
        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, budget.GetSnapshot().LiveTokens);
    }
}
