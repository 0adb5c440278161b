using MediaMemory.Units;

namespace MediaMemory.Heaps;

/// <summary>One allocation as the heap's statistics show it.</summary>
/// <param name="BlockIndex">Index of the block holding it.</param>
/// <param name="OffsetBytes">Offset within the block.</param>
/// <param name="SizeBytes">Bytes requested.</param>
/// <param name="AlignmentBytes">Alignment of the offset.</param>
/// <param name="Name">Name given at allocation, if any.</param>
/// <param name="Descriptor">The texture, or null for a buffer.</param>
/// <param name="IsAliasable">Others may be placed on its memory.</param>
/// <param name="IsAlias">It is placed on another allocation's memory.</param>
/// <param name="AliasCount">Live aliases placed on it.</param>
/// <param name="IsLeased">A lease is held on it now.</param>
public sealed record HeapAllocationInfo(
    int BlockIndex,
    long OffsetBytes,
    long SizeBytes,
    long AlignmentBytes,
    string? Name,
    TextureDescriptor? Descriptor,
    bool IsAliasable,
    bool IsAlias,
    int AliasCount,
    bool IsLeased);
