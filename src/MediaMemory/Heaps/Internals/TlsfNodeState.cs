namespace MediaMemory.Heaps.Internals;

/// <summary>What a <see cref="TlsfNode"/> slot currently describes.</summary>
internal enum TlsfNodeState : byte
{
    /// <summary>The slot is on the allocator's list of spare nodes and describes no range.</summary>
    Spare = 0,

    /// <summary>The slot describes a free range and is linked into exactly one size-class list.</summary>
    Free = 1,

    /// <summary>The slot describes a live allocation.</summary>
    Used = 2,
}
