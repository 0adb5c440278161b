using System.Runtime.InteropServices;

namespace MediaMemory.Heaps.Internals;

/// <summary>
/// One range of a <see cref="Tlsf"/> (free or used), stored by value in the allocator's node array and
/// linked by indices, so allocate and free create no objects.
/// </summary>
/// <remarks>
/// Physical links chain every free and used range in offset order (the paper's "physical previous"
/// pointer plus an explicit next, since there is no block header to step over). Free links chain the
/// node into its size-class list while <see cref="State"/> is <see cref="TlsfNodeState.Free"/>, and into
/// the allocator's spare-node list while it is <see cref="TlsfNodeState.Spare"/> (only
/// <see cref="NextFree"/> is used then). Not thread-safe: owned by one <see cref="Tlsf"/>.
/// <para>
/// Padded from 41 to 64 bytes, a power of two, so an index becomes an offset with a shift instead of a
/// multiply by 48 (three cycles on the chain of loads that decides each, often mispredicted, branch of a
/// free+allocate pair). Measured on a random-size TLSF pair loop, 3 runs each: 86.5–87.2 ns → 82.8–83.1 ns.
/// A 32-byte node (generation sharing the free-list link, state as marks in the links, the class computed
/// again on unlink) was tried and measured slower (88.7–89.0 ns): the extra work on the unlink path cost
/// more than the shorter index arithmetic saved. Costs 16 KiB instead of 12 KiB for the initial 256 nodes.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct TlsfNode
{
    /// <summary>Offset of the range's first byte, in bytes; always a multiple of <see cref="Tlsf.GranularityBytes"/>.</summary>
    public long OffsetBytes;

    /// <summary>Length of the range in bytes; a multiple of <see cref="Tlsf.GranularityBytes"/> except for the last
    /// range when the capacity is not one.</summary>
    public long SizeBytes;

    /// <summary>Index of the node just below in offset order, or <see cref="Tlsf.NoNode"/>.</summary>
    public int PreviousPhysical;

    /// <summary>Index of the node just above in offset order, or <see cref="Tlsf.NoNode"/>.</summary>
    public int NextPhysical;

    /// <summary>Previous node in the same size-class list, or <see cref="Tlsf.NoNode"/>.</summary>
    public int PreviousFree;

    /// <summary>Next node in the same size-class list (or in the spare list), or <see cref="Tlsf.NoNode"/>.</summary>
    public int NextFree;

    /// <summary>Size-class list (fl * 32 + sl) the node is filed in while free, so unlinking it need not map
    /// its size again.</summary>
    public int Bin;

    /// <summary>Generation an allocation on this node is issued with; bumped (skipping 0) on every free.</summary>
    public int Generation;

    /// <summary>Whether the slot is spare, free or used.</summary>
    public TlsfNodeState State;
}
