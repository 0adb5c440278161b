namespace MediaMemory.Heaps;

/// <summary>What a defragmentation pass did.</summary>
/// <param name="Moves">Allocations moved (their bytes copied to a new place).</param>
/// <param name="BytesMoved">Bytes copied.</param>
/// <param name="BlocksFreed">Empty blocks given back to the budget afterwards.</param>
/// <param name="BytesFreed">Bytes of those blocks.</param>
/// <param name="SkippedLeased">Allocations not moved because a lease was held on them.</param>
/// <param name="SkippedAliased">Allocations not moved because aliases are placed on them (or they are aliases).</param>
/// <param name="FragmentationBefore">The heap's fragmentation before the pass (see <see cref="HeapStatistics.Fragmentation"/>).</param>
/// <param name="FragmentationAfter">The heap's fragmentation after it.</param>
public sealed record DefragmentationResult(
    int Moves,
    long BytesMoved,
    int BlocksFreed,
    long BytesFreed,
    int SkippedLeased,
    int SkippedAliased,
    double FragmentationBefore,
    double FragmentationAfter);
