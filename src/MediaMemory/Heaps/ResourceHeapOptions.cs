using MediaMemory.Budgeting;

namespace MediaMemory.Heaps;

/// <summary>Settings of a <see cref="ResourceHeap"/>; validated when the heap is built.</summary>
public sealed class ResourceHeapOptions
{
    /// <summary>Bytes of one block, a multiple of 64 KiB, from 64 KiB to 1 TiB. Default 64 MiB (arbitrary:
    /// two 4K BGRA8 frames; smaller than VMA's 256 MiB for large heaps so that a 1.2 GiB phone budget
    /// still holds many blocks). Requests larger than a block get a dedicated block of their own.</summary>
    public long BlockSizeBytes { get; init; } = 64L << 20;

    /// <summary>Blocks kept even when empty (not given back by <see cref="ResourceHeap.Trim"/>). Default 0.</summary>
    public int MinBlocks { get; init; }

    /// <summary>Most blocks, dedicated ones included; 0 means no limit beyond the budget. Default 0.</summary>
    public int MaxBlocks { get; init; }

    /// <summary>Fault every page of a new block in at once, so first use of an allocation costs no page
    /// fault. Default false.</summary>
    public bool PreFault { get; init; }

    /// <summary>Ask for transparent huge pages for blocks of at least one huge page (2 MiB on x86-64)
    /// where the kernel grants them (see <see cref="NativeBlock(long, bool, bool)"/>): faster faults, faster
    /// unmapping when a block is given back under pressure, fewer TLB misses. False asks for 4 KiB pages.
    /// Default true.</summary>
    public bool HugePages { get; init; } = true;

    /// <summary>Priority of the heap's block reservations in the budget. Default <see cref="Priority.Normal"/>.</summary>
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>Register with the budget as a reclaimer (priority Low) that gives empty blocks back
    /// when others need the memory. Default true.</summary>
    public bool ReclaimEmptyBlocks { get; init; } = true;

    /// <summary>Check on every lease that no two members of an alias set are in use at once (costs a scan
    /// of the heap's allocations per lease). Default false.</summary>
    public bool DebugAliasChecks { get; init; }

    internal void Validate()
    {
        if (BlockSizeBytes < NativeBlock.BaseAlignmentBytes || BlockSizeBytes % NativeBlock.BaseAlignmentBytes != 0 || BlockSizeBytes > 1L << 40)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockSizeBytes), BlockSizeBytes, "block size must be a multiple of 64 KiB, from 64 KiB to 1 TiB");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MinBlocks, nameof(MinBlocks));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBlocks, nameof(MaxBlocks));
        if (MaxBlocks > 0 && MinBlocks > MaxBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(MinBlocks), MinBlocks, $"more than MaxBlocks ({MaxBlocks})");
        }

        if (Priority is < Priority.Low or > Priority.Essential)
        {
            throw new ArgumentOutOfRangeException(nameof(Priority), Priority, "unknown priority");
        }
    }
}
