using MediaMemory.Budgeting;
using MediaMemory.Internals;

namespace MediaMemory.Heaps;

/// <summary>Blocks: creating them from the budget, giving empty ones back.</summary>
public sealed partial class ResourceHeap
{
    // Indexed by block index; a freed block leaves null, reused by the next block (indices in
    // statistics stay stable while a block lives).
    private readonly List<HeapBlock?> _blocks = [];

    /// <summary>Blocks held now, dedicated ones included.</summary>
    public int BlockCount
    {
        get
        {
            using (new SpinLockScope(ref _spin))
            {
                return BlockCountLocked();
            }
        }
    }

    private int BlockCountLocked()
    {
        var count = 0;
        foreach (var block in _blocks)
        {
            count += block is null ? 0 : 1;
        }

        return count;
    }

    /// <summary>Gives back empty ordinary blocks beyond <see cref="ResourceHeapOptions.MinBlocks"/>.</summary>
    /// <returns>Bytes given back to the budget.</returns>
    public long Trim() => TrimEmptyBlocks(long.MaxValue);

    private long TrimEmptyBlocks(long bytesWanted)
    {
        var detached = new List<HeapBlock>();
        lock (_release)
        {
            long bytes;
            using (new SpinLockScope(ref _spin))
            {
                bytes = TrimEmptyBlocksLocked(bytesWanted, detached);
            }

            DestroyBlocks(detached);
            return bytes;
        }
    }

    /// <summary>Takes empty ordinary blocks out of the heap (highest index first, keeping
    /// <see cref="ResourceHeapOptions.MinBlocks"/>) into <paramref name="detached"/>, for
    /// <see cref="DestroyBlocks"/> once the lock is released; returns their bytes.</summary>
    private long TrimEmptyBlocksLocked(long bytesWanted, List<HeapBlock> detached)
    {
        long freed = 0;
        var kept = 0;
        for (var i = 0; i < _blocks.Count; i++)
        {
            if (_blocks[i] is { Dedicated: false })
            {
                kept++;
            }
        }

        // Highest indices first, so the heap keeps packing into its first blocks.
        for (var i = _blocks.Count - 1; i >= 0 && freed < bytesWanted && kept > _options.MinBlocks; i--)
        {
            if (_blocks[i] is { Dedicated: false, LiveAllocations: 0 } block)
            {
                freed += block.Memory.SizeBytes;
                _blocks[i] = null;
                detached.Add(block);
                kept--;
            }
        }

        return freed;
    }

    private long EmptyBlockBytes()
    {
        using (_release.EnterScope())
        using (new SpinLockScope(ref _spin))
        {
            // Exactly what TrimEmptyBlocksLocked would free: empty ordinary blocks, highest index first,
            // while more than MinBlocks ordinary blocks remain.
            var kept = 0;
            foreach (var block in _blocks)
            {
                kept += block is { Dedicated: false } ? 1 : 0;
            }

            long bytes = 0;
            for (var i = _blocks.Count - 1; i >= 0 && kept > _options.MinBlocks; i--)
            {
                if (_blocks[i] is { Dedicated: false, LiveAllocations: 0 } block)
                {
                    bytes += block.Memory.SizeBytes;
                    kept--;
                }
            }

            return bytes;
        }
    }

    /// <summary>Reserves and maps a block, outside the heap's lock (the budget may call reclaimers,
    /// this heap's own among them). Null when the budget refuses and <paramref name="throwIfRefused"/> is false.</summary>
    private HeapBlock? CreateBlock(long sizeBytes, bool dedicated, bool throwIfRefused)
    {
        AllocationToken token;
        if (throwIfRefused)
        {
            token = _budget.Reserve(sizeBytes, Category, _options.Priority);
        }
        else if (!_budget.TryReserve(sizeBytes, Category, _options.Priority, out token))
        {
            return null;
        }

        NativeBlock? memory = null;
        try
        {
            var allocator = new Tlsf(sizeBytes); // managed first: if it fails, there is no mapping to give back
            memory = new NativeBlock(sizeBytes, _options.PreFault, _options.HugePages);
            return new HeapBlock(memory, allocator, token, dedicated);
        }
        catch
        {
            memory?.Dispose();
            token.Dispose();
            throw;
        }
    }

    private int AddBlock(HeapBlock block)
    {
        var index = _blocks.IndexOf(null);
        if (index < 0)
        {
            _blocks.Add(block);
            return _blocks.Count - 1;
        }

        _blocks[index] = block;
        return index;
    }

    /// <summary>Unmaps blocks taken out of the heap and releases their reservations: outside the spin
    /// lock, since that takes time (10–20 µs per block here) and the budget's lock. Every block is given
    /// back even if one fails (an unmap that fails is a bug, reported after the rest are done).</summary>
    private static void DestroyBlocks(List<HeapBlock> blocks)
    {
        List<Exception>? failures = null;
        foreach (var block in blocks)
        {
            try
            {
                block.Destroy();
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw failures.Count == 1 ? failures[0] : new AggregateException(failures);
        }
    }

    /// <summary>One native block, its offset allocator and its reservation in the budget.</summary>
    private sealed class HeapBlock(NativeBlock memory, Tlsf allocator, AllocationToken token, bool dedicated)
    {
        public NativeBlock Memory { get; } = memory;

        public Tlsf Allocator { get; set; } = allocator;

        public bool Dedicated { get; } = dedicated;

        /// <summary>Live non-alias allocations in the block.</summary>
        public int LiveAllocations { get; set; }

        public void Destroy()
        {
            try
            {
                Memory.Dispose();
            }
            finally
            {
                token.Dispose();
            }
        }
    }

    /// <summary>Lets the budget take the heap's empty blocks when something of higher priority needs memory.</summary>
    private sealed class EmptyBlockReclaimer(ResourceHeap heap) : IMemoryReclaimer
    {
        public string Name => $"heap:{heap.Name}:empty-blocks";

        // Empty blocks hold nothing: any request of higher priority than Low may have them.
        public Priority Priority => Priority.Low;

        public long ReclaimableBytes => heap.EmptyBlockBytes();

        public long Reclaim(long bytesWanted, ReclaimReason reason) => heap.TrimEmptyBlocks(bytesWanted);
    }
}
